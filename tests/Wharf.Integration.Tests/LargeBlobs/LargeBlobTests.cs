using System.Diagnostics;
using System.Net;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;
using static Wharf.Integration.Tests.Infrastructure.GeneratedUploads;

namespace Wharf.Integration.Tests.LargeBlobs;

/// <summary>
/// A model-sized blob end to end through the real server: 2 GiB of generated data pushed in 256 MiB chunks,
/// then pulled back whole and re-hashed, and its last 100 MiB pulled with a Range. Nothing is held in memory
/// on either side; the figures are printed, not asserted (the benchmark under bench/ measures speed).
/// </summary>
public sealed class LargeBlobTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;
    private const long Size = 2048 * MiB;
    private const long Chunk = 256 * MiB;

    [Fact]
    public async Task A_2_GiB_chunked_push_verifies_end_to_end()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var ct = cts.Token;
        await using var server = await WharfProcess.StartAsync(cancellationToken: ct);
        using var http = server.CreateClient(Timeout.InfiniteTimeSpan);
        var registry = new RegistryClient(http);

        ulong seed = GeneratedStream.NewSeed();
        string digest = await GeneratedStream.DigestAsync(seed, Size, ct);

        var clock = Stopwatch.StartNew();
        var location = await registry.StartUploadAsync("models/large");
        for (long start = 0; start < Size; start += Chunk)
            location = await PatchGeneratedAsync(registry, location, seed, start, start + Chunk, ct);
        using (var put = await registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(location, "digest", digest), RegistryClient.Octets([]), cancellationToken: ct))
            await OciAssert.Status(put, HttpStatusCode.Created);
        output.WriteLine($"pushed 2 GiB in {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        await AssertBlobAsync(registry, "models/large", digest, Size, ct);
        output.WriteLine($"pulled and re-hashed 2 GiB in {clock.Elapsed.TotalSeconds:F1} s");

        // The last 100 MiB by Range: 206, the right Content-Range, and the generator's bytes for that span.
        var tail = new HttpRequestMessage(HttpMethod.Get, $"/v2/models/large/blobs/{digest}");
        tail.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(Size - 100 * MiB, null);
        using var ranged = await http.SendAsync(tail, HttpCompletionOption.ResponseHeadersRead, ct);
        await OciAssert.Status(ranged, HttpStatusCode.PartialContent);
        Assert.Equal($"bytes {Size - 100 * MiB}-{Size - 1}/{Size}", ranged.Content.Headers.ContentRange?.ToString());
        await using var body = await ranged.Content.ReadAsStreamAsync(ct);
        await using var expected = new GeneratedStream(seed, Size - 100 * MiB, Size);
        Assert.Equal(await Digests.Sha256Async(expected, ct), await Digests.Sha256Async(body, ct));
    }
}

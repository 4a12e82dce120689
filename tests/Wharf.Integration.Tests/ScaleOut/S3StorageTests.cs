using System.Net;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.ScaleOut;

/// <summary>The real server on S3 storage (the local Swift): a large chunked push, and pulls redirected to the store.</summary>
public sealed class S3StorageTests(ITestOutputHelper output)
{
    private static WharfOptions OnS3(params (string Key, string Value)[] extra)
    {
        var environment = TestStorage.S3Environment();
        foreach (var (key, value) in extra) environment[key] = value;
        return new WharfOptions { Environment = environment };
    }

    [S3Fact]
    public async Task Blob_GETs_redirect_to_a_presigned_URL_that_serves_the_bytes()
    {
        await using var server = await WharfProcess.StartAsync(OnS3(("WHARF__STORAGE__S3__REDIRECTGETS", "true")));
        try
        {
            using var http = server.CreateClient();
            var registry = new RegistryClient(http);
            var blob = Blob.Random(300_000);
            await registry.PushBlobAsync("s3/redirect", blob);

            using var get = await registry.GetAsync($"/v2/s3/redirect/blobs/{blob.Digest}");
            Assert.Equal(HttpStatusCode.TemporaryRedirect, get.StatusCode);
            var location = get.Headers.Location;
            Assert.NotNull(location);
            Assert.Contains("X-Amz-Signature=", location.Query, StringComparison.Ordinal);

            // What a client does: follow the redirect, ranges included.
            using var store = new HttpClient();
            Assert.Equal(blob.Data, await store.GetByteArrayAsync(location));
            using var ranged = new HttpRequestMessage(HttpMethod.Get, location);
            ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
            using var part = await store.SendAsync(ranged);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal(blob.Data[100..200], await part.Content.ReadAsByteArrayAsync());

            // The link is still checked first: another repository gets no URL.
            using var other = await registry.GetAsync($"/v2/s3/other/blobs/{blob.Digest}");
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            // HEAD is answered by the registry itself.
            using var head = await registry.HeadAsync($"/v2/s3/redirect/blobs/{blob.Digest}");
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    [S3Fact]
    public async Task A_256_MiB_chunked_push_to_S3_in_odd_chunks_verifies_and_pulls_back()
    {
        await using var server = await WharfProcess.StartAsync(OnS3());
        try
        {
            // Many parts, none aligned with a chunk; the 1 GiB push over S3 is Replicas/ClusterTests' (through three replicas).
            const long Length = 256L << 20;
            const int Chunk = 40 * 1024 * 1024 + 7; // odd, so the store's parts never line up with the client's chunks
            ulong seed = GeneratedStream.NewSeed();
            string digest = await GeneratedStream.DigestAsync(seed, Length);
            using var http = server.CreateClient(TimeSpan.FromMinutes(20));
            var registry = new RegistryClient(http);

            var ct = CancellationToken.None;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var location = await registry.StartUploadAsync("s3/large");
            for (long offset = 0; offset < Length; offset += Chunk)
                location = await GeneratedUploads.PatchGeneratedAsync(registry, location, seed, offset, Math.Min(offset + Chunk, Length), ct);
            var pushed = clock.Elapsed;
            string separator = location.Query.Length > 0 ? "&" : "?";
            using (var put = await registry.SendAsync(HttpMethod.Put, $"{location}{separator}digest={digest}", cancellationToken: ct))
                await OciAssert.Status(put, HttpStatusCode.Created);
            var committed = clock.Elapsed;

            await GeneratedUploads.AssertBlobAsync(registry, "s3/large", digest, Length, ct);
            output.WriteLine($"256 MiB to S3 in 40 MiB PATCHes: {pushed.TotalSeconds:F1} s ({256 / pushed.TotalSeconds:F0} MiB/s), "
                + $"commit {(committed - pushed).TotalSeconds:F1} s, pull and verify {(clock.Elapsed - committed).TotalSeconds:F1} s");
        }
        finally
        {
            ServerLog.Write(output, server, Math.Max(0, server.LogLineCount - 50));
        }
    }
}

using System.Net;
using System.Security.Cryptography;

namespace Wharf.Server.Tests.Http;

/// <summary>Limits:MaxConcurrentUploads over HTTP: slow uploads hold the slots, the next one gets 429 at once.</summary>
public sealed class ConcurrentUploadTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    public async Task InitializeAsync() =>
        _registry = await TestRegistry.StartAsync(_dir.Path, new Dictionary<string, string?> { ["Limits:MaxConcurrentUploads"] = "2" });

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    // Larger than the store's write buffer (1 MiB), so some of it reaches the disk and the session's Range moves.
    private const int Part = (4 << 20) + 1;

    [Fact]
    public async Task Uploads_past_the_bound_get_429_until_a_slot_frees()
    {
        var slow = new List<(HeldContent Body, Task<HttpResponseMessage> Response)>();
        for (int i = 0; i < 2; i++)
        {
            var upload = await _registry.StartUploadAsync("team/model");
            var body = new HeldContent(RandomNumberGenerator.GetBytes(Part));
            slow.Add((body, _registry.PatchAsync(upload, body)));
            await WaitForBytesAsync(upload); // inside the handler, holding its slot
        }

        var probe = await _registry.StartUploadAsync("team/model"); // opening a session carries no body: not bounded
        using (var busy = await _registry.PatchAsync(probe, [0]))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
            Assert.Equal("TOOMANYREQUESTS", await busy.ErrorCodeAsync());
            Assert.Equal(TimeSpan.FromSeconds(1), busy.Headers.RetryAfter?.Delta);
            Assert.Contains("\"limit\":2", await busy.Content.ReadAsStringAsync());
        }
        using (var monolithic = await _registry.PutBlobAsync("team/model", Core.Digest.Compute([1]).ToString(), [1]))
            Assert.Equal(HttpStatusCode.TooManyRequests, monolithic.StatusCode);
        using (var status = await _registry.Client.GetAsync(probe))
            Assert.Equal("0-0", status.Header("Range")); // the refused chunk changed nothing

        foreach (var (body, _) in slow) body.Release();
        foreach (var (_, pending) in slow)
        {
            using var response = await pending;
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal($"0-{2 * Part - 1}", response.Header("Range"));
        }
        using var after = await _registry.PatchAsync(probe, [1, 2, 3]);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
    }

    private async Task WaitForBytesAsync(Uri upload)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            using var status = await _registry.Client.GetAsync(upload);
            if (status.Header("Range") != "0-0") return;
            await Task.Delay(10);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail("no byte of the held upload reached the store");
    }
}

/// <summary>A chunked request body that sends its part, waits for <see cref="Release"/>, then sends the part again.</summary>
internal sealed class HeldContent(byte[] half) : HttpContent
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await stream.WriteAsync(half);
        await stream.FlushAsync();
        await _release.Task;
        await stream.WriteAsync(half);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

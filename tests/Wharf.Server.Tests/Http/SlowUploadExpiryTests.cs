using System.Net;
using System.Security.Cryptography;
using Wharf.Core;

namespace Wharf.Server.Tests.Http;

/// <summary>
/// Invariant 4: no fixed timeout cuts a slow large upload; only idle sessions expire. A session receiving a body
/// for longer than Uploads:IdleTimeout is not idle.
/// </summary>
public sealed class SlowUploadExpiryTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    public async Task InitializeAsync() =>
        _registry = await TestRegistry.StartAsync(_dir.Path, new Dictionary<string, string?>
        {
            // Short, but not so short that a loaded machine's pause between a POST and its PATCH counts as idleness.
            ["Uploads:IdleTimeout"] = "00:00:02",
            ["Uploads:ExpiryInterval"] = "00:00:00.1",
        });

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_monolithic_upload_slower_than_the_idle_timeout_completes()
    {
        var part = RandomNumberGenerator.GetBytes(1000);
        var digest = Digest.Compute([.. part, .. part]);
        var body = new HeldContent(part);
        var put = _registry.Client.PostAsync($"/v2/team/model/blobs/uploads/?digest={digest}", body);
        await Task.Delay(TimeSpan.FromSeconds(5)); // over twice the idle timeout
        body.Release();
        using var response = await put;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_chunk_slower_than_the_idle_timeout_keeps_its_session()
    {
        var part = RandomNumberGenerator.GetBytes(1000);
        var upload = await _registry.StartUploadAsync("team/model");
        var body = new HeldContent(part);
        var patch = _registry.PatchAsync(upload, body);
        await Task.Delay(TimeSpan.FromSeconds(5)); // over twice the idle timeout
        body.Release();
        using (var response = await patch) Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var put = await _registry.CompleteAsync(upload, Digest.Compute([.. part, .. part]).ToString());
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }
}

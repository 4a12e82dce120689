using System.Net;
using System.Security.Cryptography;
using Wharf.Core;

namespace Wharf.Server.Tests.Http;

/// <summary>Limits:MaxBlobBytes over HTTP: SIZE_INVALID, the session gone, nothing visible, no bytes left behind.</summary>
public sealed class BlobLimitTests : IAsyncLifetime
{
    private const int Limit = 1000;
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    public async Task InitializeAsync() =>
        _registry = await TestRegistry.StartAsync(_dir.Path, new Dictionary<string, string?> { ["Limits:MaxBlobBytes"] = Limit.ToString() });

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    private async Task AssertInvisibleAsync(Digest digest)
    {
        using var head = await _registry.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/team/model/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Empty(OciResponse.FilesUnder(_registry.UploadsDirectory));
        Assert.Empty(OciResponse.FilesUnder(Path.Combine(_registry.Data, "blobs")));
    }

    [Fact]
    public async Task A_monolithic_blob_over_the_limit_is_refused()
    {
        var blob = RandomNumberGenerator.GetBytes(Limit + 1);
        using var put = await _registry.PutBlobAsync("team/model", Digest.Compute(blob).ToString(), blob);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("SIZE_INVALID", await put.ErrorCodeAsync());
        await AssertInvisibleAsync(Digest.Compute(blob));
    }

    [Fact]
    public async Task A_chunk_that_crosses_the_limit_ends_the_session()
    {
        var blob = RandomNumberGenerator.GetBytes(1200);
        var upload = await _registry.StartUploadAsync("team/model");
        using (var first = await _registry.PatchAsync(upload, blob[..600], start: 0))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using (var second = await _registry.PatchAsync(upload, blob[600..], start: 600))
        {
            Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
            Assert.Equal("SIZE_INVALID", await second.ErrorCodeAsync());
        }
        using var status = await _registry.Client.GetAsync(upload);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal("BLOB_UPLOAD_UNKNOWN", await status.ErrorCodeAsync());
        await AssertInvisibleAsync(Digest.Compute(blob));
    }

    [Fact]
    public async Task A_last_chunk_on_PUT_counts_too()
    {
        var blob = RandomNumberGenerator.GetBytes(Limit + 10);
        var upload = await _registry.StartUploadAsync("team/model");
        using (var patch = await _registry.PatchAsync(upload, blob[..Limit]))
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        using var put = await _registry.CompleteAsync(upload, Digest.Compute(blob).ToString(), blob[Limit..]);
        Assert.Equal("SIZE_INVALID", await put.ErrorCodeAsync());
        await AssertInvisibleAsync(Digest.Compute(blob));
    }

    [Fact]
    public async Task A_blob_at_the_limit_is_stored()
    {
        var blob = RandomNumberGenerator.GetBytes(Limit);
        var upload = await _registry.StartUploadAsync("team/model");
        using (var patch = await _registry.PatchAsync(upload, blob, start: 0))
            Assert.Equal("0-999", patch.Header("Range"));
        using var put = await _registry.CompleteAsync(upload, Digest.Compute(blob).ToString());
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(blob, await _registry.Client.GetByteArrayAsync($"/v2/team/model/blobs/{Digest.Compute(blob)}"));
    }
}

using System.Net;
using System.Security.Cryptography;
using Wharf.Core;

namespace Wharf.Server.Tests.Http;

/// <summary>Blobs named by sha512 digests, the other algorithm the image spec registers.</summary>
public sealed class Sha512UploadTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    public async Task InitializeAsync() => _registry = await TestRegistry.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    private static Digest Sha512(byte[] blob) => Digest.Compute(blob, Digest.Sha512);

    private async Task AssertStoredAsync(byte[] blob)
    {
        var digest = Sha512(blob);
        using var get = await _registry.Client.GetAsync($"/v2/team/model/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(digest.ToString(), get.Header("Docker-Content-Digest"));
        Assert.Equal(blob, await get.Content.ReadAsByteArrayAsync());
        Assert.True(File.Exists(Path.Combine(_registry.Data, "blobs", "sha512", digest.Hex[..2], digest.Hex)));
    }

    [Fact]
    public async Task A_monolithic_sha512_upload_is_stored_under_its_digest()
    {
        var blob = RandomNumberGenerator.GetBytes(5000);
        using var put = await _registry.PutBlobAsync("team/model", Sha512(blob).ToString(), blob);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/v2/team/model/blobs/{Sha512(blob)}", put.Headers.Location?.OriginalString);
        await AssertStoredAsync(blob);
    }

    [Fact]
    public async Task A_chunked_sha512_upload_is_verified_over_every_chunk()
    {
        var blob = RandomNumberGenerator.GetBytes(5000);
        var upload = await _registry.StartUploadAsync("team/model");
        using (var first = await _registry.PatchAsync(upload, blob[..2000], start: 0)) Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using (var second = await _registry.PatchAsync(upload, blob[2000..4000], start: 2000)) Assert.Equal("0-3999", second.Header("Range"));
        using (var put = await _registry.CompleteAsync(upload, Sha512(blob).ToString(), blob[4000..]))
            Assert.Equal(Sha512(blob).ToString(), put.Header("Docker-Content-Digest"));
        await AssertStoredAsync(blob);
    }

    [Fact]
    public async Task A_wrong_sha512_is_refused_and_the_session_ends()
    {
        var blob = RandomNumberGenerator.GetBytes(100);
        var upload = await _registry.StartUploadAsync("team/model");
        using (var patch = await _registry.PatchAsync(upload, blob)) Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        using (var put = await _registry.CompleteAsync(upload, Sha512([.. blob, 0]).ToString()))
        {
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
            Assert.Equal("DIGEST_INVALID", await put.ErrorCodeAsync());
        }
        using var status = await _registry.Client.GetAsync(upload);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Empty(OciResponse.FilesUnder(_registry.UploadsDirectory));
        Assert.Empty(OciResponse.FilesUnder(Path.Combine(_registry.Data, "blobs")));
    }
}

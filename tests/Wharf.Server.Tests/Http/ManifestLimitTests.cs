using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Wharf.Core;

namespace Wharf.Server.Tests.Http;

/// <summary>Limits:MaxManifestBytes over HTTP: 413 SIZE_INVALID, and nothing stored.</summary>
public sealed class ManifestLimitTests : IAsyncLifetime
{
    private const int Limit = 600;
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    public async Task InitializeAsync() =>
        _registry = await TestRegistry.StartAsync(_dir.Path, new Dictionary<string, string?> { ["Limits:MaxManifestBytes"] = Limit.ToString() });

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>A valid image manifest of exactly <paramref name="size"/> bytes (padded with an annotation).</summary>
    private async Task<byte[]> ManifestAsync(int size)
    {
        byte[] config = "{}"u8.ToArray(), layer = RandomNumberGenerator.GetBytes(64);
        foreach (var blob in new[] { config, layer })
        {
            using var put = await _registry.PutBlobAsync("team/model", Digest.Compute(blob).ToString(), blob);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        string Json(string pad) => $$$"""
            {"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}",
             "config":{"mediaType":"{{{MediaTypes.OciConfig}}}","digest":"{{{Digest.Compute(config)}}}","size":2},
             "layers":[{"mediaType":"{{{MediaTypes.OciLayerTar}}}","digest":"{{{Digest.Compute(layer)}}}","size":64}],
             "annotations":{"pad":"{{{pad}}}"}}
            """;
        int bare = Encoding.UTF8.GetByteCount(Json(""));
        Assert.True(size >= bare, $"a manifest is at least {bare} bytes");
        return Encoding.UTF8.GetBytes(Json(new string('x', size - bare)));
    }

    private Task<HttpResponseMessage> PutManifestAsync(string reference, HttpContent body)
    {
        body.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        return _registry.Client.PutAsync($"/v2/team/model/manifests/{reference}", body);
    }

    [Fact]
    public async Task A_manifest_at_the_limit_is_stored()
    {
        var manifest = await ManifestAsync(Limit);
        using var put = await PutManifestAsync("v1", new ByteArrayContent(manifest));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(manifest, await _registry.Client.GetByteArrayAsync("/v2/team/model/manifests/v1"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // chunked: the limit holds while reading, not only against Content-Length
    public async Task A_manifest_over_the_limit_is_413_and_stores_nothing(bool contentLength)
    {
        var manifest = await ManifestAsync(Limit + 1);
        HttpContent body = contentLength ? new ByteArrayContent(manifest) : new StreamContent(new UnknownLengthStream(manifest));
        using var put = await PutManifestAsync("v1", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, put.StatusCode);
        Assert.Equal("SIZE_INVALID", await put.ErrorCodeAsync());

        using var byTag = await _registry.Client.GetAsync("/v2/team/model/manifests/v1");
        Assert.Equal(HttpStatusCode.NotFound, byTag.StatusCode);
        using var byDigest = await _registry.Client.GetAsync($"/v2/team/model/manifests/{Digest.Compute(manifest)}");
        Assert.Equal(HttpStatusCode.NotFound, byDigest.StatusCode);
        Assert.Contains("\"tags\":[]", await _registry.Client.GetStringAsync("/v2/team/model/tags/list"));
    }
}

public sealed class ManifestBodyTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    public async Task InitializeAsync() => _registry = await TestRegistry.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_empty_manifest_body_is_MANIFEST_INVALID(bool contentLength)
    {
        HttpContent body = contentLength ? new ByteArrayContent([]) : new StreamContent(new UnknownLengthStream([]));
        body.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        using var put = await _registry.Client.PutAsync("/v2/team/model/manifests/v1", body);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("MANIFEST_INVALID", await put.ErrorCodeAsync());
    }
}

/// <summary>A body whose length the client cannot know, so it is sent chunked.</summary>
internal sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
{
    public override bool CanSeek => false;
}

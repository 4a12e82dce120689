using System.Text;
using System.Text.Json.Nodes;
using Wharf.Core.Registry;

namespace Wharf.Core.Tests.Registry;

public sealed class ManifestServiceTests : RegistryHarness
{
    private const string Repo = "team/model";

    protected override RegistryLimits Limits => new() { MaxManifestBytes = 2048 };

    private static ManifestReference Tag(string tag) => new(tag, null);

    private static ManifestReference At(Digest digest) => new(null, digest);

    private static JsonObject Descriptor(string mediaType, Digest digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest.ToString(), ["size"] = size };

    private static byte[] Image(Digest config, params JsonObject[] layers) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciManifest,
        ["config"] = Descriptor(MediaTypes.OciConfig, config, 2),
        ["layers"] = new JsonArray(layers),
    }.ToJsonString());

    private static byte[] Index(params Digest[] children) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciIndex,
        ["manifests"] = new JsonArray([.. children.Select(c => (JsonNode)Descriptor(MediaTypes.OciManifest, c, 100))]),
    }.ToJsonString());

    private async Task<byte[]> PushedImageAsync(string seed = "a")
    {
        var config = await PushAsync(Repo, "{}"u8.ToArray());
        var layer = await PushAsync(Repo, Encoding.UTF8.GetBytes(seed));
        return Image(config, Descriptor(MediaTypes.OciLayerTarGzip, layer, seed.Length));
    }

    private Task<Result<ManifestRecord>> PutAsync(ManifestReference reference, byte[] content, string? contentType = MediaTypes.OciManifest) =>
        Manifests.PutAsync(Repo, reference, content, contentType, Ct);

    private async Task AssertNotStoredAsync(byte[] content, string tag = "v1")
    {
        Assert.Null(await Metadata.GetManifestAsync(Repo, Digest.Compute(content), Ct));
        Assert.Null(await Metadata.ResolveTagAsync(Repo, tag, Ct));
        Assert.Empty(await Metadata.ListTagsAsync(Repo, null, 10, Ct));
    }

    [Fact]
    public async Task A_manifest_whose_blobs_are_linked_is_stored_under_its_tag()
    {
        var content = await PushedImageAsync();
        var stored = await PutAsync(Tag("v1"), content);
        Assert.Equal(Digest.Compute(content), stored.Value.Digest);
        Assert.Equal(MediaTypes.OciConfig, stored.Value.ArtifactType);

        var byTag = await Manifests.GetAsync(Repo, Tag("v1"), Ct);
        Assert.Equal(content, byTag!.Manifest.Content);
        Assert.Equal("v1", byTag.Tag);
        Assert.Equal(content, (await Manifests.GetAsync(Repo, At(Digest.Compute(content)), Ct))!.Manifest.Content);
    }

    [Fact]
    public async Task A_missing_layer_is_MANIFEST_BLOB_UNKNOWN_and_stores_nothing()
    {
        var config = await PushAsync(Repo, "{}"u8.ToArray());
        var absent = Digest.Compute("not pushed"u8);
        var content = Image(config, Descriptor(MediaTypes.OciLayerTarGzip, absent, 10));
        var result = await PutAsync(Tag("v1"), content);
        AssertError(result, OciErrorCode.ManifestBlobUnknown);
        Assert.Contains(absent.ToString(), result.Error!.Message);
        await AssertNotStoredAsync(content);
    }

    [Fact]
    public async Task A_blob_linked_only_in_another_repository_does_not_count()
    {
        var config = await PushAsync("team/other", "{}"u8.ToArray());
        var content = Image(config);
        AssertError(await PutAsync(Tag("v1"), content), OciErrorCode.ManifestBlobUnknown);
        await AssertNotStoredAsync(content);
    }

    [Fact]
    public async Task A_missing_child_manifest_is_MANIFEST_BLOB_UNKNOWN_and_stores_nothing()
    {
        var child = await PushedImageAsync();
        Assert.True((await PutAsync(At(Digest.Compute(child)), child)).Ok);
        var content = Index(Digest.Compute(child), Digest.Compute("absent"u8));
        // The spec's MANIFEST_BLOB_UNKNOWN: "manifest references a manifest or blob unknown to registry".
        AssertError(await PutAsync(Tag("v1"), content, MediaTypes.OciIndex), OciErrorCode.ManifestBlobUnknown);
        await AssertNotStoredAsync(content);
    }

    [Fact]
    public async Task A_digest_reference_must_match_the_content()
    {
        var content = await PushedImageAsync();
        var other = Digest.Compute([.. content, (byte)' ']);
        AssertError(await PutAsync(At(other), content), OciErrorCode.DigestInvalid);
        await AssertNotStoredAsync(content);
        Assert.Null(await Metadata.GetManifestAsync(Repo, other, Ct));

        var sha512 = Digest.Compute(content, Digest.Sha512);
        Assert.Equal(sha512, (await PutAsync(At(sha512), content)).Value.Digest);
    }

    [Fact]
    public async Task Putting_a_tag_again_moves_it_and_keeps_the_old_manifest()
    {
        var first = await PushedImageAsync("a");
        var second = await PushedImageAsync("b");
        Assert.True((await PutAsync(Tag("latest"), first)).Ok);
        Assert.True((await PutAsync(Tag("latest"), second)).Ok);
        Assert.Equal(Digest.Compute(second), await Metadata.ResolveTagAsync(Repo, "latest", Ct));
        Assert.NotNull(await Metadata.GetManifestAsync(Repo, Digest.Compute(first), Ct));
        Assert.Equal(["latest"], await Metadata.ListTagsAsync(Repo, null, 10, Ct));
    }

    [Theory]
    [InlineData(MediaTypes.DockerForeignLayer, MediaTypes.DockerManifest, MediaTypes.DockerConfig)]
    [InlineData("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", MediaTypes.OciManifest, MediaTypes.OciConfig)]
    public async Task Foreign_layers_need_not_be_in_the_registry(string layerType, string manifestType, string configType)
    {
        var config = await PushAsync(Repo, "{}"u8.ToArray());
        var content = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = manifestType,
            ["config"] = Descriptor(configType, config, 2),
            ["layers"] = new JsonArray(Descriptor(layerType, Digest.Compute("windows base layer"u8), 18)),
        }.ToJsonString());
        Assert.True((await PutAsync(Tag("v1"), content, manifestType)).Ok);
    }

    [Fact]
    public async Task Too_large_and_invalid_manifests_store_nothing()
    {
        var large = Encoding.UTF8.GetBytes(new string(' ', 2049));
        AssertError(await PutAsync(Tag("v1"), large), OciErrorCode.ManifestTooLarge);
        var invalid = "{\"schemaVersion\":2"u8.ToArray();
        AssertError(await PutAsync(Tag("v1"), invalid), OciErrorCode.ManifestInvalid);
        await AssertNotStoredAsync(large);
        Assert.False(await Metadata.RepositoryExistsAsync(Repo, Ct) && (await Metadata.ListTagsAsync(Repo, null, 1, Ct)).Count > 0);
    }

    [Fact]
    public async Task Deleting_by_tag_keeps_the_manifest_and_by_digest_removes_its_tags()
    {
        var content = await PushedImageAsync();
        var digest = Digest.Compute(content);
        await PutAsync(Tag("v1"), content);
        await PutAsync(Tag("v2"), content);

        Assert.Null(await Manifests.DeleteAsync(Repo, Tag("v1"), Ct));
        Assert.NotNull(await Manifests.GetAsync(Repo, At(digest), Ct));
        Assert.Null(await Manifests.DeleteAsync(Repo, At(digest), Ct));
        Assert.Null(await Manifests.GetAsync(Repo, Tag("v2"), Ct));
        Assert.Equal(OciErrorCode.ManifestUnknown, (await Manifests.DeleteAsync(Repo, At(digest), Ct))?.Code);
    }
}

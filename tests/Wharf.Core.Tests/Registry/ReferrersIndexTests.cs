using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Core.Tests.Registry;

/// <summary>The referrers response: an OCI image index of the manifests whose subject is the given digest.</summary>
public sealed class ReferrersIndexTests : RegistryHarness
{
    private const string Repo = "team/model";
    private static readonly Digest Subject = Digest.Compute("the model"u8);

    private async Task<Digest> PutReferrerAsync(JsonObject manifest, string mediaType)
    {
        manifest["schemaVersion"] = 2;
        manifest["mediaType"] = mediaType;
        manifest["subject"] = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = Subject.ToString(), ["size"] = 9 };
        var content = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var stored = await Manifests.PutAsync(Repo, new ManifestReference(null, Digest.Compute(content)), content, mediaType, Ct);
        Assert.True(stored.Ok, stored.Error?.Message);
        return stored.Value.Digest;
    }

    private async Task<JsonElement> IndexAsync(string? artifactType = null) =>
        JsonDocument.Parse(await Manifests.ReferrersIndexAsync(Repo, Subject, artifactType, Ct)).RootElement;

    [Fact]
    public async Task Media_types_are_written_with_a_plain_plus()
    {
        var text = Encoding.UTF8.GetString(await Manifests.ReferrersIndexAsync(Repo, Subject, null, Ct));
        Assert.Contains("\"application/vnd.oci.image.index.v1+json\"", text);
        Assert.DoesNotContain("\\u002B", text);
    }

    [Fact]
    public async Task No_referrers_is_an_empty_index()
    {
        var index = await IndexAsync();
        Assert.Equal(["schemaVersion", "mediaType", "manifests"], index.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, index.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(MediaTypes.OciIndex, index.GetProperty("mediaType").GetString());
        Assert.Equal(JsonValueKind.Array, index.GetProperty("manifests").ValueKind);
        Assert.Empty(index.GetProperty("manifests").EnumerateArray());
    }

    [Fact]
    public async Task Each_referrer_is_a_descriptor_and_absent_fields_are_omitted()
    {
        var empty = await PushAsync(Repo, "{}"u8.ToArray());
        var card = await PutReferrerAsync(new JsonObject
        {
            ["artifactType"] = "application/vnd.wharf.model-card.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = MediaTypes.OciEmpty, ["digest"] = empty.ToString(), ["size"] = 2 },
            ["layers"] = new JsonArray(),
            ["annotations"] = new JsonObject { ["org.opencontainers.image.title"] = "card" },
        }, MediaTypes.OciManifest);
        var bare = await PutReferrerAsync(new JsonObject { ["manifests"] = new JsonArray() }, MediaTypes.OciIndex);

        var index = await IndexAsync();
        Assert.Equal(2, index.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(MediaTypes.OciIndex, index.GetProperty("mediaType").GetString());
        var manifests = index.GetProperty("manifests").EnumerateArray().ToDictionary(m => m.GetProperty("digest").GetString()!);
        Assert.Equal(2, manifests.Count);

        var withAll = manifests[card.ToString()];
        Assert.Equal(MediaTypes.OciManifest, withAll.GetProperty("mediaType").GetString());
        Assert.Equal("application/vnd.wharf.model-card.v1+json", withAll.GetProperty("artifactType").GetString());
        Assert.Equal("card", withAll.GetProperty("annotations").GetProperty("org.opencontainers.image.title").GetString());
        Assert.Equal((await Metadata.GetManifestAsync(Repo, card, Ct))!.Size, withAll.GetProperty("size").GetInt64());

        var withNone = manifests[bare.ToString()];
        Assert.Equal(["mediaType", "digest", "size"], withNone.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task An_artifact_type_filter_keeps_only_that_type_and_config_type_counts()
    {
        var config = await PushAsync(Repo, "{\"a\":1}"u8.ToArray());
        var signature = await PutReferrerAsync(new JsonObject
        {
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.example.signature.v1+json", ["digest"] = config.ToString(), ["size"] = 7 },
            ["layers"] = new JsonArray(),
        }, MediaTypes.OciManifest);
        await PutReferrerAsync(new JsonObject { ["manifests"] = new JsonArray() }, MediaTypes.OciIndex);

        var filtered = (await IndexAsync("application/vnd.example.signature.v1+json")).GetProperty("manifests");
        Assert.Equal([signature.ToString()], filtered.EnumerateArray().Select(m => m.GetProperty("digest").GetString()));
        Assert.Empty((await IndexAsync("application/vnd.example.other")).GetProperty("manifests").EnumerateArray());
    }
}

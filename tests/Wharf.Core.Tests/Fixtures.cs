using System.Text;
using System.Text.Json.Nodes;

namespace Wharf.Core.Tests;

/// <summary>Valid sample documents and helpers shared by the manifest parser tests.</summary>
internal static class Fixtures
{
    public const string ConfigDigest = "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7";
    public const string LayerDigest = "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0";
    public const string ChildDigest = "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f";
    public const string SubjectDigest = "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270";

    public static JsonObject Descriptor(string mediaType, string digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };

    public static JsonObject OciManifest() => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciManifest,
        ["config"] = Descriptor(MediaTypes.OciConfig, ConfigDigest, 7023),
        ["layers"] = new JsonArray(Descriptor(MediaTypes.OciLayerTarGzip, LayerDigest, 32654)),
    };

    public static JsonObject OciIndex() => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciIndex,
        ["manifests"] = new JsonArray(Descriptor(MediaTypes.OciManifest, ChildDigest, 7143)),
    };

    public static JsonObject DockerManifest() => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.DockerManifest,
        ["config"] = Descriptor(MediaTypes.DockerConfig, ConfigDigest, 7023),
        ["layers"] = new JsonArray(Descriptor(MediaTypes.DockerLayer, LayerDigest, 32654)),
    };

    public static JsonObject DockerManifestList() => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.DockerManifestList,
        ["manifests"] = new JsonArray(new JsonObject
        {
            ["mediaType"] = MediaTypes.DockerManifest,
            ["digest"] = ChildDigest,
            ["size"] = 7143,
            ["platform"] = new JsonObject { ["architecture"] = "amd64", ["os"] = "linux" },
        }),
    };

    public static JsonObject Subject() => Descriptor(MediaTypes.OciManifest, SubjectDigest, 7682);

    public static JsonObject EmptyConfig() => Descriptor(MediaTypes.OciEmpty, MediaTypes.EmptyJsonDigest, 2);

    /// <summary>Applies <paramref name="change"/> to a document and serialises it.</summary>
    public static string With(this JsonObject document, Action<JsonObject> change)
    {
        change(document);
        return document.ToJsonString();
    }

    public static Result<ParsedManifest> Parse(string json, string? contentType = null) =>
        ManifestParser.Parse(Encoding.UTF8.GetBytes(json), contentType);

    public static Result<ParsedManifest> Parse(JsonObject document, string? contentType = null) =>
        Parse(document.ToJsonString(), contentType);

    public static ParsedManifest ParseOk(string json, string? contentType = null)
    {
        var result = Parse(json, contentType);
        Assert.True(result.Ok, result.Error?.Message);
        return result.Value;
    }

    public static ParsedManifest ParseOk(JsonObject document, string? contentType = null) =>
        ParseOk(document.ToJsonString(), contentType);

    public static void AssertInvalid(Result<ParsedManifest> result)
    {
        Assert.False(result.Ok);
        Assert.Equal(OciErrorCode.ManifestInvalid, result.Error.Code);
        Assert.Equal("MANIFEST_INVALID", result.Error.Wire);
        Assert.Equal(400, result.Error.Status);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
    }
}

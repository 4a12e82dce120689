using System.Text;
using System.Text.Json.Nodes;
using Wharf.Core;

namespace Wharf.Testing;

/// <summary>
/// The inputs of Wharf's hot paths, in one place for the benchmarks (bench/Wharf.Benchmarks: how fast) and the
/// allocation budget tests (how much memory per operation), so both measure the same work.
/// </summary>
public static class HotPathInputs
{
    public const int BlobBytes = 64 * 1024 * 1024;

    /// <summary>What one PATCH of a chunked push carries in the benchmarks: the size clients commonly use.</summary>
    public const int ChunkBytes = 1024 * 1024;

    public const string Name = "team/vision/model-server_v2";
    public const string Tag = "v1.2.3-rc.1";
    public static readonly string DigestText = Digest.Compute("config"u8).ToString();
    public static readonly string ManifestPath = Name + "/manifests/" + Tag;
    public static readonly string BlobPath = Name + "/blobs/" + DigestText;

    /// <summary>Incompressible bytes, the same on every run.</summary>
    public static byte[] Blob()
    {
        var blob = new byte[BlobBytes];
        new Random(20260101).NextBytes(blob);
        return blob;
    }

    /// <summary>An OCI image manifest shaped like a real one: a config and eight gzip layers, annotated.</summary>
    public static byte[] ImageManifest() => Json(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciManifest,
        ["config"] = Descriptor(MediaTypes.OciConfig, "config", 7_023),
        ["layers"] = new JsonArray([.. Enumerable.Range(0, 8).Select(i => (JsonNode)Descriptor(MediaTypes.OciLayerTarGzip, $"layer{i}", 3_000_000L * (i + 1)))]),
        ["annotations"] = new JsonObject
        {
            ["org.opencontainers.image.created"] = "2026-01-01T00:00:00Z",
            ["org.opencontainers.image.source"] = "https://example.com/team/vision",
            ["org.opencontainers.image.revision"] = "9f2c1e4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b",
        },
    });

    /// <summary>A multi-platform index: five platforms and an attestation manifest.</summary>
    public static byte[] ImageIndex()
    {
        string[] platforms = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/ppc64le", "linux/s390x"];
        var manifests = new JsonArray([.. platforms.Select(p =>
        {
            var parts = p.Split('/');
            var d = Descriptor(MediaTypes.OciManifest, p, 1_631);
            d["platform"] = new JsonObject { ["os"] = parts[0], ["architecture"] = parts[1], ["variant"] = parts.Length > 2 ? parts[2] : null };
            return (JsonNode)d;
        })]);
        var attestation = Descriptor(MediaTypes.OciManifest, "attestation", 839);
        attestation["annotations"] = new JsonObject { ["vnd.docker.reference.type"] = "attestation-manifest", ["vnd.docker.reference.digest"] = Digest.Compute("linux/amd64"u8).ToString() };
        manifests.Add(attestation);
        return Json(new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = manifests });
    }

    private static JsonObject Descriptor(string mediaType, string seed, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = Digest.Compute(Encoding.UTF8.GetBytes(seed)).ToString(), ["size"] = size };

    private static byte[] Json(JsonObject document) => Encoding.UTF8.GetBytes(document.ToJsonString());
}

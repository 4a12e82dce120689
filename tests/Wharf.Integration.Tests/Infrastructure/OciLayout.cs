using System.Text.Json.Nodes;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>OCI image layouts on disk (oci-layout, index.json, blobs/sha256/…), the <c>oci:</c> transport's format.</summary>
public static class OciLayout
{
    private const string RefName = "org.opencontainers.image.ref.name";

    /// <summary>Writes <paramref name="image"/> (with its children and blobs) as a layout whose index.json names it <paramref name="tag"/>.</summary>
    public static void Write(string dir, TestImage image, string tag)
    {
        Directory.CreateDirectory(Path.Combine(dir, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(dir, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        foreach (var blob in image.AllBlobs().Concat(image.AllManifests()))
            File.WriteAllBytes(BlobPath(dir, blob.Digest), blob.Data);
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaType.OciIndex,
            ["manifests"] = new JsonArray(image.Descriptor(d => d["annotations"] = new JsonObject { [RefName] = tag })),
        };
        File.WriteAllBytes(Path.Combine(dir, "index.json"), OciJson.Bytes(index));
    }

    public static string BlobPath(string dir, string digest)
    {
        int colon = digest.IndexOf(':');
        return Path.Combine(dir, "blobs", digest[..colon], digest[(colon + 1)..]);
    }

    /// <summary>The descriptor index.json gives for <paramref name="tag"/>.</summary>
    public static JsonObject Find(string dir, string tag)
    {
        var index = OciJson.Parse(File.ReadAllBytes(Path.Combine(dir, "index.json")));
        foreach (var entry in index["manifests"]!.AsArray())
        {
            if (entry?["annotations"]?[RefName]?.GetValue<string>() == tag) return (JsonObject)entry;
        }
        throw new Xunit.Sdk.XunitException($"no manifest tagged {tag} in {dir}/index.json: {index.ToJsonString()}");
    }

    /// <summary>Every blob file of a layout, by digest, each checked against its name.</summary>
    public static Dictionary<string, byte[]> Blobs(string dir)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string root = Path.Combine(dir, "blobs");
        foreach (string algorithmDir in Directory.GetDirectories(root))
        {
            string algorithm = Path.GetFileName(algorithmDir);
            foreach (string file in Directory.GetFiles(algorithmDir))
            {
                byte[] data = File.ReadAllBytes(file);
                string digest = $"{algorithm}:{Path.GetFileName(file)}";
                if (algorithm == "sha256") Assert.Equal(digest, Digests.Sha256(data));
                result[digest] = data;
            }
        }
        return result;
    }

    /// <summary>
    /// The round trip was byte-identical: the copy names the same top manifest for the tag and holds exactly the same
    /// blobs (manifests, configs, layers) with the same bytes.
    /// </summary>
    public static void AssertSame(string original, string copy, string tag)
    {
        var a = Find(original, tag);
        var b = Find(copy, tag);
        Assert.Equal(a["digest"]!.GetValue<string>(), b["digest"]!.GetValue<string>());
        Assert.Equal(a["size"]!.GetValue<long>(), b["size"]!.GetValue<long>());
        Assert.Equal(a["mediaType"]!.GetValue<string>(), b["mediaType"]!.GetValue<string>());

        var expected = Blobs(original);
        var actual = Blobs(copy);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (digest, data) in expected) Assert.True(data.AsSpan().SequenceEqual(actual[digest]), $"{digest} differs after the round trip");
    }
}

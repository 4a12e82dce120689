using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using static Wharf.Core.Tests.Fixtures;

namespace Wharf.Core.Tests.Fuzz;

/// <summary>
/// The manifest parser on valid documents broken in every small way (bit flips, truncation, spliced bytes and
/// JSON tokens) and on random JSON made of manifest words: it returns a manifest or MANIFEST_INVALID, never
/// throws; and reformatting a valid document's whitespace changes nothing it reads.
/// </summary>
public class ManifestParserFuzzTests
{
    private const long Iterations = 5_000;

    private static readonly (byte[] Json, string MediaType)[] Valid =
    [
        (Bytes(OciManifest().With(m => m["subject"] = Subject())), MediaTypes.OciManifest),
        (Bytes(OciManifest().With(m => m["annotations"] = new JsonObject { ["org.opencontainers.image.created"] = "2026-01-01T00:00:00Z" })), MediaTypes.OciManifest),
        (Bytes(OciIndex().ToJsonString()), MediaTypes.OciIndex),
        (Bytes(DockerManifest().ToJsonString()), MediaTypes.DockerManifest),
        (Bytes(DockerManifestList().ToJsonString()), MediaTypes.DockerManifestList),
    ];

    private static readonly string[] Tokens =
        ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "-0", "1e999", "9223372036854775808", "\u00ff", "\"size\":1", "\"mediaType\":\"a/b\""];

    private static readonly string[] Words =
        ["schemaVersion", "mediaType", "config", "layers", "manifests", "digest", "size", "subject", "annotations", "artifactType", "platform", "urls"];

    private static readonly Gen<string?> ContentType = Gen.OneOf<string?>(null, MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, "application/json");

    private static readonly Gen<byte[]> Broken = Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Byte, Gen.OneOf(Tokens),
        (which, edit, at, value, token) =>
        {
            var json = Valid[which].Json;
            int i = at % json.Length;
            return edit switch
            {
                0 => Flip(json, i, value),
                1 => json[..i],
                2 => [.. json[..i], value, .. json[i..]],
                3 => [.. json[..i], .. Encoding.UTF8.GetBytes(token), .. json[i..]],
                _ => [.. json[..i], .. json[Math.Min(json.Length, i + value)..]],
            };
        });

    private static readonly Gen<byte[]> RandomJson = JsonValue(3).Select(node => Bytes(node?.ToJsonString() ?? "null"));

    [Fact]
    public void A_broken_manifest_yields_a_manifest_or_MANIFEST_INVALID_and_never_throws() =>
        Gen.Select(Gen.OneOf(Broken, RandomJson, Gen.Byte.Array[0, 200]), ContentType).Sample((content, contentType) =>
        {
            var result = ManifestParser.Parse(content, contentType);
            if (!result.Ok) Assert.Equal(OciErrorCode.ManifestInvalid, result.Error.Code);
            else Assert.All(result.Value.Blobs.Concat(result.Value.Manifests), d => Assert.True(d.Size >= 0 && d.Digest.Hex.Length > 0));
        }, iter: Iterations);

    /// <summary>The first input the fuzzing found: the duplicate-name check threw InvalidOperationException.</summary>
    [Fact]
    public void An_unpaired_surrogate_escape_in_a_property_name_is_MANIFEST_INVALID()
    {
        var result = ManifestParser.Parse(Bytes("""{"schemaVersion":2,"\ud800":1}"""), null);
        Assert.Equal(OciErrorCode.ManifestInvalid, result.Error?.Code);
    }

    [Fact]
    public void Reformatting_a_valid_manifest_changes_nothing_it_reads() =>
        Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Bool).Sample((which, indented) =>
        {
            var (json, mediaType) = Valid[which];
            var reformatted = Bytes(JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = indented }));
            var before = ManifestParser.Parse(json, mediaType);
            var after = ManifestParser.Parse(reformatted, null);
            Assert.True(before.Ok && after.Ok);
            Assert.Equal(Reading(before.Value), Reading(after.Value));
        }, iter: 200);

    /// <summary>What the registry reads from a manifest, as one comparable string.</summary>
    private static string Reading(ParsedManifest m) => string.Join('|',
        m.MediaType, m.ArtifactType, m.Subject?.Digest, m.Config?.Digest,
        string.Join(',', m.Layers.Concat(m.Manifests).Select(d => $"{d.MediaType} {d.Digest} {d.Size}")),
        string.Join(',', m.Annotations ?? new Dictionary<string, string>()));

    /// <summary>A random JSON value of manifest words, nested at most <paramref name="depth"/> deep.</summary>
    private static Gen<JsonNode?> JsonValue(int depth)
    {
        var leaf = Gen.OneOf<JsonNode?>(
            Gen.Const((JsonNode?)null),
            Gen.Int[-2, 3].Select(i => (JsonNode?)i),
            Gen.Long.Select(l => (JsonNode?)l),
            Gen.OneOf(Words).Select(w => (JsonNode?)w),
            Gen.OneOf(MediaTypes.OciManifest, MediaTypes.OciConfig, MediaTypes.OciIndex, ConfigDigest, "sha256:", "").Select(s => (JsonNode?)s));
        if (depth == 0) return leaf;
        var child = JsonValue(depth - 1);
        var array = child.Array[0, 3].Select(items => (JsonNode?)new JsonArray(items));
        var obj = Gen.Select(Gen.OneOf(Words), child).Array[0, 5].Select(pairs =>
        {
            var o = new JsonObject();
            foreach (var (key, value) in pairs) o[key] = value;
            return (JsonNode?)o;
        });
        return Gen.Frequency((2, leaf), (1, array), (3, obj));
    }

    private static byte[] Flip(byte[] json, int at, byte mask)
    {
        var copy = (byte[])json.Clone();
        copy[at] ^= mask == 0 ? (byte)1 : mask;
        return copy;
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}

using System.Text.Json;
using Wharf.Core;

namespace Wharf.Client.ModelPack;

/// <summary>One file of an artifact, as its manifest lists it.</summary>
public sealed record ArtifactFile(string Path, string MediaType, Digest Digest, long Size);

/// <summary>
/// What <c>wharf inspect</c> and <c>wharf diff</c> read from a manifest and its config: the files, the config's
/// fields flattened to <c>a.b.c</c> keys, and the annotations.
/// </summary>
public sealed record ArtifactSummary(
    string Reference,
    Digest Digest,
    string MediaType,
    string? ArtifactType,
    Descriptor? Config,
    IReadOnlyList<ArtifactFile> Files,
    IReadOnlyDictionary<string, string> ConfigFields,
    IReadOnlyDictionary<string, string> Annotations,
    Descriptor? Subject)
{
    private const int MaxConfigBytes = 4 * 1024 * 1024;

    public bool IsModelPack => ArtifactType == ModelMediaTypes.ModelPackManifest || Config?.MediaType == ModelMediaTypes.ModelPackConfig;

    public long TotalSize => Files.Sum(f => f.Size);

    public static async Task<ArtifactSummary> ReadAsync(OciClient client, ImageReference reference, CancellationToken ct)
    {
        var manifest = await client.GetManifestAsync(reference.Repository, reference.Reference, ct)
            ?? throw new RegistryException(System.Net.HttpStatusCode.NotFound, "MANIFEST_UNKNOWN", $"{reference} does not exist");
        var parsed = manifest.Parsed;
        var files = parsed.Layers.Select((layer, i) => new ArtifactFile(PathOf(layer) ?? $"layer-{i}", layer.MediaType, layer.Digest, layer.Size)).ToList();
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // JSON configs only, and small ones: an image config lists history and rootfs, a model config its fields.
        if (parsed.Config is { } config && config.MediaType.EndsWith("json", StringComparison.Ordinal) && config.Size <= MaxConfigBytes && config.Size > 2)
        {
            byte[] bytes = await client.GetBlobBytesAsync(reference.Repository, config, MaxConfigBytes, ct);
            try
            {
                using var json = JsonDocument.Parse(bytes);
                Flatten(json.RootElement, "", fields);
            }
            catch (JsonException)
            {
                fields["(config)"] = "not JSON";
            }
        }
        var annotations = new SortedDictionary<string, string>(parsed.Annotations?.ToDictionary() ?? [], StringComparer.Ordinal);
        return new ArtifactSummary(reference.ToString(), manifest.Digest, parsed.MediaType, parsed.ArtifactType ?? parsed.EffectiveArtifactType,
            parsed.Config, files, fields, annotations, parsed.Subject);
    }

    public static string? PathOf(Descriptor layer)
    {
        if (layer.Annotations is null) return null;
        if (layer.Annotations.TryGetValue(AnnotationKeys.ModelFilePath, out var path)) return path;
        return layer.Annotations.TryGetValue(AnnotationKeys.Title, out var title) ? title : null;
    }

    private static void Flatten(JsonElement element, string prefix, IDictionary<string, string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    // The diff ids repeat the layer digests; the file list already shows them.
                    if (prefix.Length == 0 && property.NameEquals("modelfs")) continue;
                    Flatten(property.Value, prefix.Length == 0 ? property.Name : prefix + "." + property.Name, into);
                }
                break;
            case JsonValueKind.Array:
                if (element.EnumerateArray().All(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    into[prefix] = string.Join(", ", element.EnumerateArray().Select(Scalar));
                    break;
                }
                int i = 0;
                foreach (var item in element.EnumerateArray()) Flatten(item, $"{prefix}[{i++}]", into);
                break;
            default:
                into[prefix] = Scalar(element);
                break;
        }
    }

    private static string Scalar(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
}

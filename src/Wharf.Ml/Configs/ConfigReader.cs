using System.Text.Json;
using Wharf.Contracts.Models;
using Wharf.Core;

namespace Wharf.Ml.Configs;

/// <summary>
/// Reads the metadata a model's config blob carries, per kind: the ModelPack config (descriptor + config), the
/// Kitfile as JSON (package + model), the Docker model config (config + descriptor), the config ollama writes
/// (model_format, model_family, model_type, file_type) and an image config's org.opencontainers.image.* labels.
/// Unknown fields are ignored; a field of the wrong JSON type is treated as absent.
/// </summary>
public static class ConfigReader
{
    public static ModelMetadata Read(ArtifactKind kind, ReadOnlyMemory<byte> config)
    {
        using var json = JsonDocument.Parse(config, new JsonDocumentOptions { MaxDepth = 32 });
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return new ModelMetadata();
        return kind switch
        {
            ArtifactKind.ModelPack => ModelPack(root),
            ArtifactKind.ModelKit => Kitfile(root),
            ArtifactKind.DockerModel => DockerModel(root),
            ArtifactKind.Ollama => Ollama(root),
            ArtifactKind.ContainerImage => Labels(root),
            _ => new ModelMetadata(),
        };
    }

    private static ModelMetadata ModelPack(JsonElement root)
    {
        var d = Object(root, "descriptor");
        var c = Object(root, "config");
        string? size = String(c, "paramSize");
        return new ModelMetadata
        {
            Name = String(d, "name"), Version = String(d, "version"), Title = String(d, "title"),
            Description = String(d, "description"), Family = String(d, "family"), Vendor = String(d, "vendor"),
            Authors = Strings(d, "authors"), Licenses = Strings(d, "licenses"), Created = String(d, "createdAt"),
            Architecture = String(c, "architecture"), Format = String(c, "format"), ParameterSize = size,
            ParameterCount = ParameterSize.Parse(size), Precision = String(c, "precision"), Quantization = String(c, "quantization"),
        };
    }

    private static ModelMetadata Kitfile(JsonElement root)
    {
        var package = Object(root, "package");
        var model = Object(root, "model");
        var licenses = new List<string>();
        if (String(package, "license") is { } pl) licenses.Add(pl);
        if (String(model, "license") is { } ml && !licenses.Contains(ml)) licenses.Add(ml);
        string? paramSize = String(Object(model, "parameters"), "paramSize") ?? String(Object(model, "parameters"), "parameters");
        return new ModelMetadata
        {
            Name = String(package, "name") ?? String(model, "name"), Version = String(package, "version") ?? String(model, "version"),
            Description = String(package, "description") ?? String(model, "description"), Authors = Strings(package, "authors"),
            Licenses = licenses.Count > 0 ? licenses : null, Framework = String(model, "framework"),
            Format = String(Object(model, "parameters"), "format"), ParameterSize = paramSize, ParameterCount = ParameterSize.Parse(paramSize),
            Architecture = String(Object(model, "parameters"), "architecture"), Quantization = String(Object(model, "parameters"), "quantization"),
        };
    }

    private static ModelMetadata DockerModel(JsonElement root)
    {
        var c = Object(root, "config");
        string? size = String(c, "parameters");
        long? context = c is { } obj && obj.TryGetProperty("context_size", out var cs) && cs.TryGetInt64(out long n) ? n : null;
        return new ModelMetadata
        {
            Format = String(c, "format"), Quantization = String(c, "quantization"), Architecture = String(c, "architecture"),
            ParameterSize = size, ParameterCount = ParameterSize.Parse(size), ContextLength = context,
            Created = String(Object(root, "descriptor"), "created"),
        };
    }

    private static ModelMetadata Ollama(JsonElement root)
    {
        string? size = String(root, "model_type");
        return new ModelMetadata
        {
            Format = String(root, "model_format"), Family = String(root, "model_family"),
            Architecture = String(root, "model_family"), Quantization = String(root, "file_type"),
            ParameterSize = size, ParameterCount = ParameterSize.Parse(size),
        };
    }

    /// <summary>An image config: the org.opencontainers.image.* labels, which image builders copy from the Dockerfile.</summary>
    private static ModelMetadata Labels(JsonElement root)
    {
        var labels = Object(Object(root, "config"), "Labels");
        return FromOciAnnotations(name => String(labels, name)) with { Created = String(root, "created") };
    }

    /// <summary>The metadata the standard org.opencontainers.image.* keys give.</summary>
    public static ModelMetadata FromOciAnnotations(Func<string, string?> get)
    {
        ArgumentNullException.ThrowIfNull(get);
        string? licenses = get(AnnotationKeys.Licenses);
        string? authors = get(AnnotationKeys.Authors);
        return new ModelMetadata
        {
            Title = get(AnnotationKeys.Title), Version = get(AnnotationKeys.Version),
            Description = get(AnnotationKeys.Description), Vendor = get(AnnotationKeys.Vendor),
            Licenses = licenses is null ? null : [licenses], Authors = authors is null ? null : [authors],
            Created = get(AnnotationKeys.Created),
        };
    }

    private static JsonElement? Object(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? String(JsonElement? parent, string name)
    {
        if (parent is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
    }

    private static IReadOnlyList<string>? Strings(JsonElement? parent, string name)
    {
        if (parent is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString() is { Length: > 0 } one ? [one] : null;
        if (v.ValueKind != JsonValueKind.Array) return null;
        var list = v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
        return list.Count > 0 ? list : null;
    }
}

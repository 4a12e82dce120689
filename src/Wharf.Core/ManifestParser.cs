using System.Text.Json;
using System.Text.Unicode;

namespace Wharf.Core;

/// <summary>
/// Parses and validates OCI image manifests and indexes and Docker schema 2 manifests and manifest lists.
/// A manifest is refused unless it is exactly one of those, with well-formed descriptors.
/// </summary>
public static class ManifestParser
{
    public const int DefaultMaxBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Parses <paramref name="content"/>. <paramref name="contentType"/> is the request's Content-Type (may be
    /// null); when both it and the body's mediaType are present they must agree.
    /// </summary>
    public static Result<ParsedManifest> Parse(ReadOnlySpan<byte> content, string? contentType)
    {
        // The image spec holds manifests to I-JSON (RFC 7493): UTF-8, no duplicate names. The JSON reader checks
        // neither the UTF-8 inside strings nor unpaired surrogate escapes until a string is read, so both are
        // checked here rather than escaping as exceptions.
        if (!Utf8.IsValid(content)) return Invalid("manifest is not valid UTF-8");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content.ToArray(), new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
        }
        // The duplicate-name check unescapes every property name, and an unpaired surrogate escape there
        // ("\ud800") throws InvalidOperationException rather than JsonException (found by the fuzz tests).
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Invalid($"manifest is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            try
            {
                return ParseRoot(doc.RootElement, NormalizeContentType(contentType));
            }
            catch (ManifestFormatException e)
            {
                return Invalid(e.Message);
            }
            catch (InvalidOperationException e)
            {
                return Invalid($"manifest is not valid JSON: {e.Message}");
            }
        }
    }

    private static Result<ParsedManifest> ParseRoot(JsonElement root, string? contentType)
    {
        if (root.ValueKind != JsonValueKind.Object) return Invalid("manifest must be a JSON object");
        if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number
            || !version.TryGetInt32(out int schemaVersion))
            return Invalid("manifest has no schemaVersion");
        if (schemaVersion != 2) return Invalid($"schemaVersion {schemaVersion} is not supported; only 2 is");

        string? bodyType = OptionalString(root, "mediaType");
        if (bodyType is not null && contentType is not null && bodyType != contentType && MediaTypes.Manifests.Contains(contentType))
            return Invalid($"mediaType '{bodyType}' does not match Content-Type '{contentType}'");

        string? mediaType = bodyType
            ?? (contentType is not null && MediaTypes.Manifests.Contains(contentType) ? contentType : null)
            ?? (root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex
                : root.TryGetProperty("config", out _) ? MediaTypes.OciManifest : null);
        if (mediaType is null) return Invalid("cannot tell the manifest's media type");
        if (!MediaTypes.Manifests.Contains(mediaType)) return Invalid($"manifest media type '{mediaType}' is not supported");

        string? artifactType = OptionalString(root, "artifactType");
        if (artifactType is not null) RequireMediaTypeGrammar(artifactType, "artifactType");
        var subject = root.TryGetProperty("subject", out var s) ? ParseDescriptor(s, "subject") : null;
        var annotations = ParseAnnotations(root, "annotations");

        if (MediaTypes.IsIndex(mediaType))
        {
            if (root.TryGetProperty("config", out _) || root.TryGetProperty("layers", out _))
                return Invalid("an index has no config or layers");
            var manifests = ParseDescriptors(root, "manifests", required: true);
            if (mediaType is MediaTypes.DockerManifestList && (artifactType is not null || subject is not null))
                return Invalid("a Docker manifest list cannot carry artifactType or subject");
            return new ParsedManifest(mediaType, artifactType, null, [], manifests, subject, annotations);
        }

        if (root.TryGetProperty("manifests", out _)) return Invalid("an image manifest has no manifests list");
        if (!root.TryGetProperty("config", out var configElement)) return Invalid("manifest has no config");
        var config = ParseDescriptor(configElement, "config");
        var layers = ParseDescriptors(root, "layers", required: true);
        if (mediaType is MediaTypes.DockerManifest && (artifactType is not null || subject is not null))
            return Invalid("a Docker schema 2 manifest cannot carry artifactType or subject");
        if (artifactType is null && config.MediaType == MediaTypes.OciEmpty && mediaType == MediaTypes.OciManifest)
            return Invalid("artifactType is required when the config is the empty descriptor");
        return new ParsedManifest(mediaType, artifactType, config, layers, [], subject, annotations);
    }

    private static List<Descriptor> ParseDescriptors(JsonElement root, string property, bool required)
    {
        if (!root.TryGetProperty(property, out var array))
        {
            if (required) throw new ManifestFormatException($"manifest has no '{property}'");
            return [];
        }
        if (array.ValueKind != JsonValueKind.Array) throw new ManifestFormatException($"'{property}' must be an array");
        var list = new List<Descriptor>(array.GetArrayLength());
        int i = 0;
        foreach (var item in array.EnumerateArray()) list.Add(ParseDescriptor(item, $"{property}[{i++}]"));
        return list;
    }

    private static Descriptor ParseDescriptor(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new ManifestFormatException($"{where} must be a descriptor object");
        string mediaType = OptionalString(element, "mediaType") ?? throw new ManifestFormatException($"{where} has no mediaType");
        RequireMediaTypeGrammar(mediaType, where + ".mediaType");
        string digestText = OptionalString(element, "digest") ?? throw new ManifestFormatException($"{where} has no digest");
        if (!Digest.TryParse(digestText, out var digest)) throw new ManifestFormatException($"{where} has an invalid digest '{digestText}'");
        if (!element.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number
            || !sizeElement.TryGetInt64(out long size) || size < 0)
            throw new ManifestFormatException($"{where} has no valid size");
        string? artifactType = OptionalString(element, "artifactType");
        if (artifactType is not null) RequireMediaTypeGrammar(artifactType, where + ".artifactType");
        return new Descriptor(mediaType, digest, size, artifactType, ParseAnnotations(element, where + ".annotations"));
    }

    private static Dictionary<string, string>? ParseAnnotations(JsonElement element, string where)
    {
        if (!element.TryGetProperty("annotations", out var map)) return null;
        if (map.ValueKind == JsonValueKind.Null) return null;
        if (map.ValueKind != JsonValueKind.Object) throw new ManifestFormatException($"{where} must be an object");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in map.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String) throw new ManifestFormatException($"{where}.{pair.Name} must be a string");
            result[pair.Name] = pair.Value.GetString()!;
        }
        return result;
    }

    private static string? OptionalString(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new ManifestFormatException($"'{property}' must be a string");
        return value.GetString();
    }

    /// <summary>
    /// RFC 6838 section 4.2 shape, as the image-spec schema states it: type "/" subtype, each a restricted-name
    /// (an alphanumeric, then up to 126 of [A-Za-z0-9!#$&amp;^_.+-]); no parameters.
    /// </summary>
    private static void RequireMediaTypeGrammar(string value, string where)
    {
        int slash = value.IndexOf('/');
        bool ok = slash > 0 && IsRestrictedName(value.AsSpan(0, slash)) && IsRestrictedName(value.AsSpan(slash + 1));
        if (!ok) throw new ManifestFormatException($"{where} '{value}' is not a valid media type");
    }

    private static bool IsRestrictedName(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > 127 || !char.IsAsciiLetterOrDigit(name[0])) return false;
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '&' or '-' or '^' or '_' or '.' or '+')) return false;
        }
        return true;
    }

    /// <summary>Strips parameters (";charset=…") and whitespace from a Content-Type.</summary>
    public static string? NormalizeContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return null;
        int semicolon = contentType.IndexOf(';');
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    private static Result<ParsedManifest> Invalid(string message) => OciErrors.ManifestInvalid(message);

    private sealed class ManifestFormatException(string message) : Exception(message);
}

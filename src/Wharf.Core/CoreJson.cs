using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wharf.Core;

public sealed record ReferrerDescriptor(
    string MediaType,
    string Digest,
    long Size,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ArtifactType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Annotations);

public sealed record ReferrersIndex(int SchemaVersion, string MediaType, IReadOnlyList<ReferrerDescriptor> Manifests);

/// <summary>Source-generated JSON for what the core writes (no reflection on hot paths).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ReferrersIndex))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class CoreJson : JsonSerializerContext
{
    /// <summary>
    /// As other registries write it: media types keep their "+" (the default encoder writes \u002B, valid JSON
    /// that confuses naive readers). The output is a JSON API body, never HTML, so relaxed escaping is safe.
    /// </summary>
    public static CoreJson Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

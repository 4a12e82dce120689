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
public sealed partial class CoreJson : JsonSerializerContext;

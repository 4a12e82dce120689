using System.Text.Json.Serialization;

namespace Wharf.Scanning.Sbom;

// The subset of CycloneDX 1.6 (https://cyclonedx.org/docs/1.6/json/) that Wharf writes: components with purls and
// where they were found, and vulnerabilities that reference components by bom-ref.

public sealed record CycloneDxBom(
    [property: JsonPropertyName("bomFormat")] string BomFormat,
    [property: JsonPropertyName("specVersion")] string SpecVersion,
    [property: JsonPropertyName("serialNumber")] string SerialNumber,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("metadata")] CycloneDxMetadata Metadata,
    [property: JsonPropertyName("components")] IReadOnlyList<CycloneDxComponent> Components,
    [property: JsonPropertyName("vulnerabilities")] IReadOnlyList<CycloneDxVulnerability>? Vulnerabilities);

public sealed record CycloneDxMetadata(
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("tools")] CycloneDxTools Tools,
    [property: JsonPropertyName("component")] CycloneDxComponent Component,
    [property: JsonPropertyName("properties")] IReadOnlyList<CycloneDxProperty>? Properties);

public sealed record CycloneDxTools([property: JsonPropertyName("components")] IReadOnlyList<CycloneDxComponent> Components);

public sealed record CycloneDxComponent(
    [property: JsonPropertyName("bom-ref")] string BomRef,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("purl")] string? Purl,
    [property: JsonPropertyName("properties")] IReadOnlyList<CycloneDxProperty>? Properties);

public sealed record CycloneDxProperty(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value);

public sealed record CycloneDxVulnerability(
    [property: JsonPropertyName("bom-ref")] string BomRef,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] CycloneDxSource? Source,
    [property: JsonPropertyName("references")] IReadOnlyList<CycloneDxVulnerabilityReference>? References,
    [property: JsonPropertyName("ratings")] IReadOnlyList<CycloneDxRating> Ratings,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("recommendation")] string? Recommendation,
    [property: JsonPropertyName("affects")] IReadOnlyList<CycloneDxAffects> Affects,
    [property: JsonPropertyName("properties")] IReadOnlyList<CycloneDxProperty>? Properties);

public sealed record CycloneDxSource([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("url")] string? Url);

public sealed record CycloneDxVulnerabilityReference(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] CycloneDxSource Source);

public sealed record CycloneDxRating(
    [property: JsonPropertyName("score")] double? Score,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("method")] string? Method,
    [property: JsonPropertyName("vector")] string? Vector);

public sealed record CycloneDxAffects([property: JsonPropertyName("ref")] string Ref);

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CycloneDxBom))]
public sealed partial class CycloneDxJsonContext : JsonSerializerContext;

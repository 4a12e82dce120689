using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wharf.Scanning.Vulnerabilities;

// The OSV JSON schema, only the fields matching uses, read by source-generated System.Text.Json: with 9,000 JSON
// files in a typical database, skipping the rest in the reader (instead of building a document) is most of the load time.

internal sealed record OsvJsonRecord(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("aliases")] List<string>? Aliases,
    [property: JsonPropertyName("summary")] string? Summary,
    [property: JsonPropertyName("withdrawn")] string? Withdrawn,
    [property: JsonPropertyName("affected")] List<OsvJsonAffected>? Affected,
    [property: JsonPropertyName("severity")] List<OsvJsonSeverity>? Severity,
    [property: JsonPropertyName("database_specific")] OsvJsonDatabaseSpecific? DatabaseSpecific);

internal sealed record OsvJsonAffected(
    [property: JsonPropertyName("package")] OsvJsonPackage? Package,
    [property: JsonPropertyName("ranges")] List<OsvJsonRange>? Ranges,
    [property: JsonPropertyName("versions")] List<string>? Versions,
    [property: JsonPropertyName("severity")] List<OsvJsonSeverity>? Severity,
    [property: JsonPropertyName("database_specific")] OsvJsonDatabaseSpecific? DatabaseSpecific);

internal sealed record OsvJsonPackage(
    [property: JsonPropertyName("ecosystem")] string? Ecosystem,
    [property: JsonPropertyName("name")] string? Name);

internal sealed record OsvJsonRange(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("events")] List<Dictionary<string, string>>? Events);

internal sealed record OsvJsonSeverity(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("score")] string? Score);

// database_specific is free-form; only a string "severity" (GitHub's, Debian's) is used, anything else is ignored.
internal sealed record OsvJsonDatabaseSpecific([property: JsonPropertyName("severity")] JsonElement? Severity)
{
    public string? SeverityWord => Severity is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;
}

[JsonSourceGenerationOptions(AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(OsvJsonRecord))]
internal sealed partial class OsvJsonContext : JsonSerializerContext;

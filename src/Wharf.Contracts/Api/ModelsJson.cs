using System.Text.Json.Serialization;
using Wharf.Contracts.Models;

namespace Wharf.Contracts.Api;

public sealed record ApiErrorItem(string Code, string Message);

public sealed record ApiErrorBody(IReadOnlyList<ApiErrorItem> Errors);

public sealed record ModelSummary(
    string Repository, string Digest, string Kind, string Status, string? Name, string? Format, string? Architecture,
    long? ParameterCount, string? Quantization, IReadOnlyList<string> Licenses, IReadOnlyList<string> Tags,
    DateTimeOffset PushedAt, DateTimeOffset IndexedAt);

public sealed record ModelList(IReadOnlyList<ModelSummary> Models, string? Next);

public sealed record Attachment(string Digest, string MediaType, long Size, string? ArtifactType, IReadOnlyDictionary<string, string>? Annotations);

public sealed record IndexState(string Status, int? Attempts, string? LastError, IReadOnlyList<string> Errors, DateTimeOffset? IndexedAt);

public sealed record ModelDetail(
    string Repository, string Digest, string MediaType, string? ArtifactType, string Kind, IReadOnlyList<string> Tags, DateTimeOffset PushedAt,
    string? Subject, IndexState Index, ModelMetadata? Metadata, IReadOnlyList<ModelFile>? Files, ModelCard? Card, ModelLineage? Lineage,
    IReadOnlyDictionary<string, IReadOnlyList<Attachment>> Attachments, IReadOnlyDictionary<string, string>? Annotations);

public sealed record TagEntry(string Name, string Digest, DateTimeOffset UpdatedAt, bool Semver);

public sealed record TagList(string Repository, IReadOnlyList<TagEntry> Tags);

public sealed record TagMoveEntry(string Tag, string? OldDigest, string? NewDigest, DateTimeOffset At, string? Actor);

public sealed record TagHistory(string Repository, IReadOnlyList<TagMoveEntry> Moves, string? Next);

public sealed record DiffSide(string Reference, string Digest);

public sealed record FileChange(string Path, ModelFile From, ModelFile To);

public sealed record FieldChange(string Field, string? From, string? To);

public sealed record FileDiff(IReadOnlyList<ModelFile> Added, IReadOnlyList<ModelFile> Removed, IReadOnlyList<FileChange> Changed);

public sealed record VersionDiff(string Repository, DiffSide From, DiffSide To, FileDiff Files, IReadOnlyList<FieldChange> Metadata);

/// <summary>Source-generated JSON for every /api/v1 body (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiErrorBody))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelDetail))]
[JsonSerializable(typeof(TagList))]
[JsonSerializable(typeof(TagHistory))]
[JsonSerializable(typeof(VersionDiff))]
public sealed partial class ModelsJson : JsonSerializerContext;

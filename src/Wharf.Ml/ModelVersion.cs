using System.Text.Json.Serialization;
using Wharf.Contracts.Models;

namespace Wharf.Ml;

/// <summary>Everything indexed about one manifest.</summary>
public sealed record ModelVersion
{
    public required string Kind { get; init; }
    public ModelMetadata Metadata { get; init; } = new();
    public IReadOnlyList<ModelFile> Files { get; init; } = [];
    public ModelLineage? Lineage { get; init; }
    public ModelCard? Card { get; init; }
    /// <summary>What could not be read; the version is still indexed with everything else.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelMetadata))]
[JsonSerializable(typeof(IReadOnlyList<ModelFile>))]
[JsonSerializable(typeof(ModelLineage))]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
public sealed partial class MlJson : JsonSerializerContext;

using System.Text.Json.Serialization;

// What the indexer (Wharf.Ml) reads about a model, and what /api/v1/models answers with: one shape for both, so it
// lives with the wire records that every side of the API shares.
namespace Wharf.Contracts.Models;

/// <summary>What Wharf read about a model: from its config, its weights' headers and its annotations.</summary>
public sealed record ModelMetadata
{
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? Family { get; init; }
    public string? Vendor { get; init; }
    public IReadOnlyList<string>? Authors { get; init; }
    public IReadOnlyList<string>? Licenses { get; init; }
    public string? Architecture { get; init; }
    public string? Format { get; init; }
    /// <summary>The size as the config declares it ("8b", "361.82 M").</summary>
    public string? ParameterSize { get; init; }
    /// <summary>Parameters counted from the weight files' headers, else parsed from <see cref="ParameterSize"/>.</summary>
    public long? ParameterCount { get; init; }
    public string? Precision { get; init; }
    public string? Quantization { get; init; }
    public long? ContextLength { get; init; }
    public string? Framework { get; init; }
    public string? Created { get; init; }
}

/// <summary>One file of a model version: a layer, or a file inside a tar layer.</summary>
public sealed record ModelFile
{
    public required string Path { get; init; }
    public required string MediaType { get; init; }
    public required string Digest { get; init; }
    public required long Size { get; init; }
    /// <summary>weight, weight.config, doc, code, dataset, license, model, config, layer, …</summary>
    public string? Role { get; init; }
    /// <summary>safetensors or gguf when the header was read.</summary>
    public string? Format { get; init; }
    public int? TensorCount { get; init; }
    public long? ParameterCount { get; init; }
    public IReadOnlyDictionary<string, long>? ParametersByDtype { get; init; }
    public string? Architecture { get; init; }
    public string? Quantization { get; init; }
    public long? ContextLength { get; init; }
    public string? Error { get; init; }
}

/// <summary>Where a model came from, from annotations.</summary>
public sealed record ModelLineage
{
    public string? TrainingRun { get; init; }
    public string? SourceCommit { get; init; }
    public string? SourceRepository { get; init; }
    public IReadOnlyList<string>? DatasetDigests { get; init; }
    public IReadOnlyDictionary<string, string>? Metrics { get; init; }
    public string? BaseModel { get; init; }

    [JsonIgnore]
    public bool IsEmpty => TrainingRun is null && SourceCommit is null && SourceRepository is null && DatasetDigests is null && Metrics is null && BaseModel is null;
}

/// <summary>A model card: Markdown, and what its YAML front matter said.</summary>
public sealed record ModelCard(string Markdown, IReadOnlyDictionary<string, string>? FrontMatter, string Source);

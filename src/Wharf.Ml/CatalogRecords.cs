using System.Text.Json;
using Wharf.Contracts.Models;
using Wharf.Core;
using Wharf.Core.Catalog;

namespace Wharf.Ml;

/// <summary>Turns what the indexer read into the catalog's row, and back.</summary>
public static class CatalogRecords
{
    public const string Indexed = "indexed", Partial = "partial", Failed = "failed";

    public static ModelVersionRecord From(string repository, Digest digest, ModelVersion version, DateTimeOffset indexedAt)
    {
        ArgumentNullException.ThrowIfNull(version);
        var m = version.Metadata;
        var search = new[] { m.Name, m.Title, m.Description, m.Family, m.Vendor, m.Architecture, m.Format, m.Quantization, m.Framework, m.Version }
            .Concat(m.Authors ?? []).Where(s => !string.IsNullOrEmpty(s));
        return new ModelVersionRecord
        {
            Repository = repository,
            Digest = digest,
            Kind = version.Kind,
            Status = version.Errors.Count == 0 ? Indexed : Partial,
            Error = version.Errors.Count == 0 ? null : version.Errors[0],
            Name = m.Name ?? m.Title,
            Format = m.Format,
            Architecture = m.Architecture,
            ParameterCount = m.ParameterCount,
            Quantization = m.Quantization,
            Licenses = m.Licenses ?? [],
            SearchText = string.Join('\n', search),
            MetadataJson = JsonSerializer.Serialize(m, MlJson.Default.ModelMetadata),
            FilesJson = JsonSerializer.Serialize(version.Files, MlJson.Default.IReadOnlyListModelFile),
            LineageJson = version.Lineage is null ? null : JsonSerializer.Serialize(version.Lineage, MlJson.Default.ModelLineage),
            CardJson = version.Card is null ? null : JsonSerializer.Serialize(version.Card, MlJson.Default.ModelCard),
            CardText = version.Card?.Markdown,
            ErrorsJson = JsonSerializer.Serialize(version.Errors, MlJson.Default.IReadOnlyListString),
            IndexedAt = indexedAt,
        };
    }

    /// <summary>The row of a version whose indexing gave up: its kind (from the manifest alone) and why.</summary>
    public static ModelVersionRecord Failure(string repository, ManifestRecord manifest, string error, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var parsed = ManifestParser.Parse(manifest.Content, manifest.MediaType);
        string kind = ArtifactClassifier.Name(parsed.Ok ? ArtifactClassifier.Classify(parsed.Value) : ArtifactKind.Artifact);
        return From(repository, manifest.Digest, new ModelVersion { Kind = kind, Errors = [error] }, at) with { Status = Failed };
    }

    public static ModelMetadata Metadata(ModelVersionRecord r) => JsonSerializer.Deserialize(r.MetadataJson, MlJson.Default.ModelMetadata) ?? new();

    public static IReadOnlyList<ModelFile> Files(ModelVersionRecord r) => JsonSerializer.Deserialize(r.FilesJson, MlJson.Default.IReadOnlyListModelFile) ?? [];

    public static ModelLineage? Lineage(ModelVersionRecord r) => r.LineageJson is null ? null : JsonSerializer.Deserialize(r.LineageJson, MlJson.Default.ModelLineage);

    public static ModelCard? Card(ModelVersionRecord r) => r.CardJson is null ? null : JsonSerializer.Deserialize(r.CardJson, MlJson.Default.ModelCard);

    public static IReadOnlyList<string> Errors(ModelVersionRecord r) => JsonSerializer.Deserialize(r.ErrorsJson, MlJson.Default.IReadOnlyListString) ?? [];
}

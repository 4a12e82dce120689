namespace Wharf.Ml;

/// <summary>
/// Lineage from annotations: the org.wharf.* set (docs/annotations.md) with the standard
/// org.opencontainers.image.* keys as fallbacks.
/// </summary>
public static class Lineage
{
    public const string TrainingRun = "org.wharf.training.run";
    public const string SourceCommit = "org.wharf.source.commit";
    public const string DatasetDigests = "org.wharf.dataset.digests";
    public const string MetricsPrefix = "org.wharf.metrics.";
    public const string BaseModel = "org.wharf.base.model";

    public static ModelLineage? From(IReadOnlyDictionary<string, string>? annotations)
    {
        if (annotations is null || annotations.Count == 0) return null;
        string? Get(string key) => annotations.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        var metrics = annotations
            .Where(a => a.Key.StartsWith(MetricsPrefix, StringComparison.Ordinal) && a.Key.Length > MetricsPrefix.Length)
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .ToDictionary(a => a.Key[MetricsPrefix.Length..], a => a.Value, StringComparer.Ordinal);
        var datasets = Get(DatasetDigests)?.Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var lineage = new ModelLineage
        {
            TrainingRun = Get(TrainingRun),
            SourceCommit = Get(SourceCommit) ?? Get("org.opencontainers.image.revision"),
            SourceRepository = Get("org.opencontainers.image.source"),
            DatasetDigests = datasets is { Length: > 0 } ? datasets : null,
            Metrics = metrics.Count > 0 ? metrics : null,
            BaseModel = Get(BaseModel) ?? Get("org.opencontainers.image.base.name"),
        };
        return lineage.IsEmpty ? null : lineage;
    }
}

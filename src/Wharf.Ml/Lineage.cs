using System.Globalization;
using Wharf.Core;

namespace Wharf.Ml;

/// <summary>
/// Lineage from annotations: the org.wharf.* set (docs/annotations.md) with the standard
/// org.opencontainers.image.* keys as fallbacks. Annotations are untrusted: a malformed value is reported as a
/// problem with its key and left out, never a failure.
/// </summary>
public static class Lineage
{
    public const string TrainingRun = "org.wharf.training.run";
    public const string SourceCommit = "org.wharf.source.commit";
    public const string DatasetDigests = "org.wharf.dataset.digests";
    public const string MetricPrefix = "org.wharf.metric.";
    /// <summary>The plural spelling an early draft used; still read.</summary>
    public const string LegacyMetricPrefix = "org.wharf.metrics.";
    public const string BaseModel = "org.wharf.base.model";

    public static ModelLineage? From(IReadOnlyDictionary<string, string>? annotations) => From(annotations, []);

    public static ModelLineage? From(IReadOnlyDictionary<string, string>? annotations, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (annotations is null || annotations.Count == 0) return null;
        string? Get(string key) => annotations.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

        var metrics = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in annotations)
        {
            string? name = key.StartsWith(MetricPrefix, StringComparison.Ordinal) ? key[MetricPrefix.Length..]
                : key.StartsWith(LegacyMetricPrefix, StringComparison.Ordinal) ? key[LegacyMetricPrefix.Length..] : null;
            if (string.IsNullOrEmpty(name)) continue;
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) metrics[name] = value.Trim();
            else problems.Add($"annotation {key}: '{value}' is not a decimal number");
        }

        List<string>? datasets = null;
        if (Get(DatasetDigests) is { } list)
        {
            datasets = [];
            foreach (var item in list.Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Digest.TryParse(item, out _)) datasets.Add(item);
                else problems.Add($"annotation {DatasetDigests}: '{item}' is not a digest");
            }
        }

        var lineage = new ModelLineage
        {
            TrainingRun = Get(TrainingRun),
            SourceCommit = Get(SourceCommit) ?? Get("org.opencontainers.image.revision"),
            SourceRepository = Get("org.opencontainers.image.source"),
            DatasetDigests = datasets is { Count: > 0 } ? datasets : null,
            Metrics = metrics.Count > 0 ? new Dictionary<string, string>(metrics, StringComparer.Ordinal) : null,
            BaseModel = Get(BaseModel) ?? Get("org.opencontainers.image.base.name"),
        };
        return lineage.IsEmpty ? null : lineage;
    }
}

using System.Globalization;
using Wharf.Contracts.Models;
using Wharf.Core;

namespace Wharf.Ml;

/// <summary>
/// Lineage from annotations: the org.wharf.* set (docs/annotations.md) with the standard
/// org.opencontainers.image.* keys as fallbacks. Annotations are untrusted: a malformed value is reported as a
/// problem with its key and left out, never a failure.
/// </summary>
public static class Lineage
{
    public static ModelLineage? From(IReadOnlyDictionary<string, string>? annotations) => From(annotations, []);

    public static ModelLineage? From(IReadOnlyDictionary<string, string>? annotations, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (annotations is null || annotations.Count == 0) return null;
        string? Get(string key) => annotations.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

        var metrics = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in annotations)
        {
            string? name = key.StartsWith(AnnotationKeys.MetricPrefix, StringComparison.Ordinal) ? key[AnnotationKeys.MetricPrefix.Length..]
                : key.StartsWith(AnnotationKeys.LegacyMetricPrefix, StringComparison.Ordinal) ? key[AnnotationKeys.LegacyMetricPrefix.Length..] : null;
            if (string.IsNullOrEmpty(name)) continue;
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) metrics[name] = value.Trim();
            else problems.Add($"annotation {key}: '{value}' is not a decimal number");
        }

        List<string>? datasets = null;
        if (Get(AnnotationKeys.DatasetDigests) is { } list)
        {
            datasets = [];
            foreach (var item in list.Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Digest.TryParse(item, out _)) datasets.Add(item);
                else problems.Add($"annotation {AnnotationKeys.DatasetDigests}: '{item}' is not a digest");
            }
        }

        var lineage = new ModelLineage
        {
            TrainingRun = Get(AnnotationKeys.TrainingRun),
            SourceCommit = Get(AnnotationKeys.SourceCommit) ?? Get(AnnotationKeys.Revision),
            SourceRepository = Get(AnnotationKeys.Source),
            DatasetDigests = datasets is { Count: > 0 } ? datasets : null,
            Metrics = metrics.Count > 0 ? new Dictionary<string, string>(metrics, StringComparer.Ordinal) : null,
            BaseModel = Get(AnnotationKeys.BaseModel) ?? Get(AnnotationKeys.BaseName),
        };
        return lineage.IsEmpty ? null : lineage;
    }
}

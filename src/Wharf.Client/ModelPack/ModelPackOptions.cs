using System.Globalization;
using System.Text.RegularExpressions;
using Wharf.Core;

namespace Wharf.Client.ModelPack;

/// <summary>What the user says about a model on top of what the directory says (docs/annotations.md).</summary>
public sealed partial record ModelPackOptions
{
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Architecture { get; init; }
    public string? Format { get; init; }
    public string? ParamSize { get; init; }
    public string? Precision { get; init; }
    public string? Quantization { get; init; }
    public string? License { get; init; }
    public string? Description { get; init; }
    public string? SourceUrl { get; init; }
    public DateTimeOffset? Created { get; init; }
    public string? TrainingRun { get; init; }
    public string? SourceCommit { get; init; }
    public string? BaseModel { get; init; }
    public IReadOnlyList<string> DatasetDigests { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, string>> Metrics { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, string>> Annotations { get; init; } = [];

    [GeneratedRegex(@"^[0-9]+(\.[0-9])?[QTBMKqtbmk]\z", RegexOptions.CultureInvariant)]
    private static partial Regex ParamSizeRegex();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex MetricNameRegex();

    /// <summary>Every problem with the options, as messages for the user; empty when they are fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (ParamSize is not null && !ParamSizeRegex().IsMatch(ParamSize))
            problems.Add($"--param-size '{ParamSize}' must be a count and a scale letter, e.g. 7B, 6.7B, 350M (letters Q T B M K)");
        foreach (string digest in DatasetDigests)
        {
            if (!Digest.TryParse(digest, out _)) problems.Add($"--dataset-digest '{digest}' is not a digest (sha256:<64 lowercase hex>)");
        }
        foreach (var (name, value) in Metrics)
        {
            if (!MetricNameRegex().IsMatch(name)) problems.Add($"--metric name '{name}' must match [a-z0-9][a-z0-9._-]*");
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
                problems.Add($"--metric {name}={value}: the value must be a finite decimal number (e.g. 0.873)");
        }
        foreach (var (key, _) in Annotations)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Any(char.IsWhiteSpace)) problems.Add($"--annotation key '{key}' must be non-empty without spaces");
        }
        if (SourceCommit is { } commit && (commit.Length == 0 || commit.Any(char.IsWhiteSpace)))
            problems.Add("--source-commit must be a commit id without spaces");
        return problems;
    }
}

namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// One affected[] entry made ready for matching: its explicit versions hashed and its ECOSYSTEM/SEMVER range events
/// parsed and sorted once, on first use, so a database load stays cheap and a match costs a hash lookup and a walk.
/// </summary>
public sealed class AffectedRanges(OsvRecord record, OsvAffected affected, VersionOrder order)
{
    private readonly Lazy<Prepared> _prepared = new(() => Prepare(affected, order));

    public OsvRecord Record { get; } = record;
    public OsvAffected Affected { get; } = affected;

    private sealed record Step(OsvEventKind Kind, object? Key, string Version);
    private sealed record Prepared(HashSet<string> Versions, List<(VersionOrder Order, List<Step> Steps)> Ranges);

    private static Prepared Prepare(OsvAffected affected, VersionOrder order)
    {
        var versions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in affected.Versions)
            versions.Add(order.Parse(v) is { } k ? order.Canonical(k) : v);
        var ranges = new List<(VersionOrder, List<Step>)>();
        foreach (var range in affected.Ranges)
        {
            // GIT ranges name commits, not versions; they cannot be compared with an installed version.
            var rangeOrder = range.Type switch { "ECOSYSTEM" => order, "SEMVER" => VersionOrder.SemVer, _ => null };
            if (rangeOrder is null) continue;
            var steps = range.Events
                .Select(e => new Step(e.Kind, e.Kind == OsvEventKind.Introduced && e.Version == "0" || e.Version == "*" ? null : rangeOrder.Parse(e.Version), e.Version))
                // Events the grammar cannot read are dropped rather than compared as strings.
                .Where(s => s.Key is not null || s.Version is "0" or "*")
                .ToList();
            // The OSV evaluation walks events in version order; "introduced: 0" is below every version.
            steps.Sort((a, b) => a.Key is null ? (b.Key is null ? 0 : -1) : b.Key is null ? 1 : rangeOrder.CompareKeys(a.Key, b.Key));
            ranges.Add((rangeOrder, steps));
        }
        return new Prepared(versions, ranges);
    }

    /// <summary>Whether <paramref name="installed"/> is affected, and the first fixed version above it if one is known.</summary>
    public bool Matches(string installed, out string? fixedVersion)
    {
        fixedVersion = null;
        var prepared = _prepared.Value;
        var key = order.Parse(installed);
        var explicitHit = prepared.Versions.Contains(key is null ? installed : order.Canonical(key));
        var rangeHit = false;
        foreach (var (rangeOrder, steps) in prepared.Ranges)
        {
            var k = ReferenceEquals(rangeOrder, order) ? key : rangeOrder.Parse(installed);
            if (k is null) continue;
            if (Included(steps, k, rangeOrder, out var fix)) rangeHit = true;
            fixedVersion ??= fix;
        }
        if (!explicitHit && !rangeHit) fixedVersion = null;
        return explicitHit || rangeHit;
    }

    private static bool Included(List<Step> steps, object installed, VersionOrder o, out string? fixedAbove)
    {
        var included = false;
        var hasLimit = false;
        var belowLimit = false;
        fixedAbove = null;
        foreach (var s in steps)
        {
            var cmp = s.Key is null ? 1 : o.CompareKeys(installed, s.Key);
            switch (s.Kind)
            {
                case OsvEventKind.Introduced when cmp >= 0: included = true; break;
                case OsvEventKind.Fixed when cmp >= 0: included = false; break;
                case OsvEventKind.Fixed when fixedAbove is null: fixedAbove = s.Version; break;
                case OsvEventKind.LastAffected when cmp > 0: included = false; break;
                case OsvEventKind.Limit:
                    hasLimit = true;
                    // limit "*" is unbounded; otherwise the version must be below some limit.
                    belowLimit |= s.Key is null || cmp < 0;
                    break;
            }
        }
        return included && (!hasLimit || belowLimit);
    }
}

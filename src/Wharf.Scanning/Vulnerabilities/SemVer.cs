namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// Semantic Versioning 2.0 precedence (section 11) for OSV SEMVER ranges: numeric core, a pre-release sorts before
/// its release, identifiers compare numerically or in ASCII order, build metadata is ignored. A leading "v" is allowed,
/// as OSV producers often write it.
/// </summary>
public static class SemVer
{
    public static int Compare(string a, string b)
    {
        var (ca, pa) = Split(a);
        var (cb, pb) = Split(b);
        var c = CompareIdentifiers(ca, cb, numericOnly: true);
        if (c != 0) return c;
        // A pre-release has lower precedence than its release: 1.0.0-rc.1 < 1.0.0.
        if (pa.Length == 0) return pb.Length == 0 ? 0 : 1;
        if (pb.Length == 0) return -1;
        return CompareIdentifiers(pa, pb, numericOnly: false);
    }

    private static (string[] Core, string[] Pre) Split(string v)
    {
        v = v.Trim().TrimStart('v', 'V');
        var plus = v.IndexOf('+');
        if (plus >= 0) v = v[..plus];
        var dash = v.IndexOf('-');
        var core = (dash >= 0 ? v[..dash] : v).Split('.');
        // "1" and "1.2" are read as 1.0.0 and 1.2.0 so that short forms in advisories still compare.
        if (core.Length < 3) core = [.. core, .. Enumerable.Repeat("0", 3 - core.Length)];
        return (core, dash >= 0 ? v[(dash + 1)..].Split('.') : []);
    }

    private static int CompareIdentifiers(string[] a, string[] b, bool numericOnly)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var an = ulong.TryParse(a[i], out var ai);
            var bn = ulong.TryParse(b[i], out var bi);
            var c = an && bn ? ai.CompareTo(bi)
                : numericOnly || (!an && !bn) ? string.CompareOrdinal(a[i], b[i])
                : an ? -1 : 1; // numeric identifiers have lower precedence than alphanumeric ones
            if (c != 0) return Math.Sign(c);
        }
        return a.Length.CompareTo(b.Length);
    }
}

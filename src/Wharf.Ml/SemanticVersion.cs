using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Wharf.Ml;

/// <summary>
/// A Semantic Versioning 2.0.0 version, as tags spell it (an optional leading "v"). Precedence follows the spec:
/// major.minor.patch numerically, a pre-release before its release, pre-release identifiers compared numerically
/// or lexically in turn; build metadata is ignored.
/// </summary>
public sealed record SemanticVersion(long Major, long Minor, long Patch, IReadOnlyList<string> PreRelease) : IComparable<SemanticVersion>
{
    public static bool TryParse(string? tag, [NotNullWhen(true)] out SemanticVersion? version)
    {
        version = null;
        if (string.IsNullOrEmpty(tag)) return false;
        string s = tag[0] is 'v' or 'V' ? tag[1..] : tag;
        int plus = s.IndexOf('+');
        if (plus >= 0)
        {
            if (!ValidIdentifiers(s[(plus + 1)..], numericRule: false)) return false;
            s = s[..plus];
        }
        string? pre = null;
        int dash = s.IndexOf('-');
        if (dash >= 0)
        {
            pre = s[(dash + 1)..];
            s = s[..dash];
            if (!ValidIdentifiers(pre, numericRule: true)) return false;
        }
        var core = s.Split('.');
        if (core.Length != 3 || !Number(core[0], out long major) || !Number(core[1], out long minor) || !Number(core[2], out long patch)) return false;
        version = new SemanticVersion(major, minor, patch, pre?.Split('.') ?? []);
        return true;
    }

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null) return 1;
        int c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        if (PreRelease.Count == 0 || other.PreRelease.Count == 0) return other.PreRelease.Count.CompareTo(PreRelease.Count);
        for (int i = 0; i < Math.Min(PreRelease.Count, other.PreRelease.Count); i++)
        {
            c = CompareIdentifier(PreRelease[i], other.PreRelease[i]);
            if (c != 0) return c;
        }
        return PreRelease.Count.CompareTo(other.PreRelease.Count);
    }

    /// <summary>
    /// Semver tags in ascending precedence (equal precedence, e.g. "v1.0.0" and "1.0.0", by name), then every
    /// other tag in ordinal order.
    /// </summary>
    public static IReadOnlyList<string> Order(IEnumerable<string> tags)
    {
        var parsed = tags.Select(t => (Tag: t, Version: TryParse(t, out var v) ? v : null)).ToList();
        return parsed.Where(p => p.Version is not null)
            .OrderBy(p => p.Version).ThenBy(p => p.Tag, StringComparer.Ordinal)
            .Concat(parsed.Where(p => p.Version is null).OrderBy(p => p.Tag, StringComparer.Ordinal))
            .Select(p => p.Tag).ToList();
    }

    private static int CompareIdentifier(string a, string b)
    {
        bool an = long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out long x);
        bool bn = long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out long y);
        if (an && bn) return x.CompareTo(y);
        if (an != bn) return an ? -1 : 1; // numeric identifiers have lower precedence
        return string.CompareOrdinal(a, b);
    }

    private static bool Number(string s, out long value)
    {
        value = 0;
        if (s.Length == 0 || (s.Length > 1 && s[0] == '0')) return false;
        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool ValidIdentifiers(string s, bool numericRule)
    {
        if (s.Length == 0) return false;
        foreach (var id in s.Split('.'))
        {
            if (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
            if (numericRule && id.Length > 1 && id[0] == '0' && id.All(char.IsAsciiDigit)) return false;
        }
        return true;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Wharf.Core.Policy;

/// <summary>
/// A tag read as a Semantic Versioning 2.0.0 version: MAJOR.MINOR.PATCH, optionally preceded by "v" (as tags spell
/// it) and followed by -prerelease and +build. Precedence follows the spec exactly: the core numerically, a
/// pre-release before its release, pre-release identifiers compared numerically or lexically in turn, build
/// metadata ignored. OCI tags cannot hold "+", but other callers may read versions that do.
/// </summary>
public sealed record SemanticVersion(long Major, long Minor, long Patch, string? Prerelease, string? Build = null)
    : IComparable<SemanticVersion>
{
    public static bool TryParse(string? tag, [NotNullWhen(true)] out SemanticVersion? version)
    {
        version = null;
        if (string.IsNullOrEmpty(tag)) return false;
        string text = tag[0] is 'v' or 'V' ? tag[1..] : tag;
        string? build = null, prerelease = null;
        int plus = text.IndexOf('+');
        if (plus >= 0)
        {
            build = text[(plus + 1)..];
            text = text[..plus];
            if (!ValidIdentifiers(build, numericRule: false)) return false;
        }
        int dash = text.IndexOf('-');
        if (dash >= 0)
        {
            prerelease = text[(dash + 1)..];
            text = text[..dash];
            if (!ValidIdentifiers(prerelease, numericRule: true)) return false;
        }
        var core = text.Split('.');
        if (core.Length != 3 || !Number(core[0], out long major) || !Number(core[1], out long minor) || !Number(core[2], out long patch))
            return false;
        version = new SemanticVersion(major, minor, patch, prerelease, build);
        return true;
    }

    /// <summary>Semver precedence; build metadata never decides it (so 0 here does not mean record equality).</summary>
    public int CompareTo(SemanticVersion? other)
    {
        if (other is null) return 1;
        int c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        // A release outranks any of its pre-releases.
        if (Prerelease is null || other.Prerelease is null) return (Prerelease is null ? 1 : 0) - (other.Prerelease is null ? 1 : 0);
        return ComparePrerelease(Prerelease, other.Prerelease);
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

    private static int ComparePrerelease(string a, string b)
    {
        var left = a.Split('.');
        var right = b.Split('.');
        for (int i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            int c = CompareIdentifier(left[i], right[i]);
            if (c != 0) return c;
        }
        // A larger set of identifiers outranks its prefix.
        return left.Length.CompareTo(right.Length);
    }

    private static int CompareIdentifier(string a, string b)
    {
        bool an = a.All(char.IsAsciiDigit), bn = b.All(char.IsAsciiDigit);
        return (an, bn) switch
        {
            // Numeric identifiers carry no leading zeros, so the longer one is larger; equal lengths compare by digits.
            // This stays exact past the range of long.
            (true, true) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b),
            (true, false) => -1, // numeric identifiers sort before alphanumeric ones
            (false, true) => 1,
            _ => string.CompareOrdinal(a, b),
        };
    }

    // No leading zeros ("01"), as semver requires; ASCII digits only.
    private static bool Number(string text, out long value)
    {
        value = 0;
        if (text.Length == 0 || (text.Length > 1 && text[0] == '0') || !text.All(char.IsAsciiDigit)) return false;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    // Dot-separated, non-empty [0-9A-Za-z-] identifiers; in a pre-release a numeric identifier has no leading zero.
    private static bool ValidIdentifiers(string text, bool numericRule)
    {
        if (text.Length == 0) return false;
        foreach (var id in text.Split('.'))
        {
            if (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
            if (numericRule && id.Length > 1 && id[0] == '0' && id.All(char.IsAsciiDigit)) return false;
        }
        return true;
    }
}

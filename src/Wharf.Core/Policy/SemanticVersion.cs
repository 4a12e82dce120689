using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Wharf.Core.Policy;

/// <summary>
/// A tag read as a semantic version (semver 2.0 precedence): MAJOR.MINOR.PATCH with an optional "v" before it
/// and an optional -prerelease after it. OCI tags cannot hold "+", so build metadata never appears.
/// </summary>
public sealed record SemanticVersion(long Major, long Minor, long Patch, string? Prerelease) : IComparable<SemanticVersion>
{
    public static bool TryParse(string? tag, [NotNullWhen(true)] out SemanticVersion? version)
    {
        version = null;
        if (string.IsNullOrEmpty(tag)) return false;
        var text = tag.AsSpan();
        if (text[0] is 'v' or 'V') text = text[1..];
        int dash = text.IndexOf('-');
        var core = dash < 0 ? text : text[..dash];
        string? prerelease = dash < 0 ? null : text[(dash + 1)..].ToString();
        if (prerelease is not null && !ValidPrerelease(prerelease)) return false;

        Span<Range> parts = stackalloc Range[4];
        if (core.Split(parts, '.') != 3) return false;
        if (!Number(core[parts[0]], out long major) || !Number(core[parts[1]], out long minor) || !Number(core[parts[2]], out long patch))
            return false;
        version = new SemanticVersion(major, minor, patch, prerelease);
        return true;
    }

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null) return 1;
        int c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        // A release outranks any of its prereleases.
        if (Prerelease is null || other.Prerelease is null) return (Prerelease is null ? 1 : 0) - (other.Prerelease is null ? 1 : 0);
        return ComparePrerelease(Prerelease, other.Prerelease);
    }

    private static int ComparePrerelease(string a, string b)
    {
        var left = a.Split('.');
        var right = b.Split('.');
        for (int i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            bool ln = Number(left[i], out long l), rn = Number(right[i], out long r);
            int c = (ln, rn) switch
            {
                (true, true) => l.CompareTo(r),
                (true, false) => -1, // numeric identifiers sort before alphanumeric ones
                (false, true) => 1,
                _ => string.CompareOrdinal(left[i], right[i]),
            };
            if (c != 0) return c;
        }
        return left.Length.CompareTo(right.Length);
    }

    private static bool ValidPrerelease(string text) =>
        text.Split('.').All(part => part.Length > 0 && part.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-'));

    // No leading zeros ("01"), as semver requires; digits only.
    private static bool Number(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || (text.Length > 1 && text[0] == '0')) return false;
        foreach (char ch in text) if (!char.IsAsciiDigit(ch)) return false;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}

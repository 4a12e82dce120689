using System.Text.RegularExpressions;

namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// A Python package version ordered by PEP 440 (epochs, pre/post/dev releases, local versions), the order pip
/// and PyPA's advisories use. Parsing follows packaging's VERSION_PATTERN, so "1.0RC1", "v1.0" and "1.0-1" are read
/// the way pip reads them.
/// </summary>
public sealed partial class Pep440Version : IComparable<Pep440Version>, IEquatable<Pep440Version>
{
    // Pre-release kinds sort a < b < rc; "no pre-release" sorts after all of them.
    private const int NoPre = int.MaxValue;
    private const int DevOnly = int.MinValue;

    private readonly long[] _release;
    private readonly int _preKind;
    private readonly long _preNumber;
    private readonly long _post; // -1: no post release
    private readonly long _dev;  // long.MaxValue: no dev release
    private readonly string[] _local;

    public long Epoch { get; }
    public string Text { get; }

    private Pep440Version(string text, long epoch, long[] release, int preKind, long preNumber, long post, long dev, string[] local)
    {
        (Text, Epoch, _release, _preKind, _preNumber, _post, _dev, _local) = (text, epoch, release, preKind, preNumber, post, dev, local);
    }

    [GeneratedRegex(@"^\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)(?<pre>[-_\.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?<pre_n>[0-9]+)?)?(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_\.]?(?<post_l>post|rev|r)[-_\.]?(?<post_n2>[0-9]+)?))?(?<dev>[-_\.]?(?<dev_l>dev)[-_\.]?(?<dev_n>[0-9]+)?)?)(?:\+(?<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out Pep440Version version)
    {
        version = null!;
        if (text is null) return false;
        if (TryParsePlainRelease(text, out version)) return true;
        var m = Pattern().Match(text);
        if (!m.Success) return false;
        if (!TryNumber(m.Groups["epoch"], 0, out var epoch)) return false;
        var parts = m.Groups["release"].Value.Split('.');
        var release = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], out release[i])) return false;
        // Trailing zeros do not change a release: 1.0 == 1.0.0.
        var length = release.Length;
        while (length > 1 && release[length - 1] == 0) length--;
        Array.Resize(ref release, length);

        var preKind = NoPre;
        long preNumber = 0;
        if (m.Groups["pre"].Success)
        {
            preKind = m.Groups["pre_l"].Value.ToLowerInvariant() switch { "a" or "alpha" => 0, "b" or "beta" => 1, _ => 2 };
            if (!TryNumber(m.Groups["pre_n"], 0, out preNumber)) return false;
        }
        long post = -1;
        if (m.Groups["post"].Success && !TryNumber(m.Groups["post_n1"].Success ? m.Groups["post_n1"] : m.Groups["post_n2"], 0, out post))
            return false;
        var dev = long.MaxValue;
        if (m.Groups["dev"].Success && !TryNumber(m.Groups["dev_n"], 0, out dev)) return false;
        // A dev release of a final version sorts before its pre-releases: 1.0.dev0 < 1.0a0.
        if (preKind == NoPre && post < 0 && dev != long.MaxValue) preKind = DevOnly;
        var local = m.Groups["local"].Success
            ? m.Groups["local"].Value.ToLowerInvariant().Split('-', '_', '.')
            : [];
        version = new Pep440Version(text.Trim(), epoch, release, preKind, preNumber, post, dev, local);
        return true;
    }

    // Most versions in advisories and images are plain "1.26.18": read those without the regex (matching parses
    // every listed version of every advisory a package has, so this is the matcher's hot path).
    private static bool TryParsePlainRelease(string text, out Pep440Version version)
    {
        version = null!;
        if (text.Length == 0 || text.Length > 64 || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[^1])) return false;
        Span<long> parts = stackalloc long[32];
        var count = 0;
        long current = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                if (current > (long.MaxValue - 9) / 10) return false;
                current = (current * 10) + (c - '0');
            }
            else if (c == '.' && count < parts.Length - 1)
            {
                parts[count++] = current;
                current = 0;
            }
            else return false;
        }
        parts[count++] = current;
        if (text.Contains("..", StringComparison.Ordinal)) return false;
        while (count > 1 && parts[count - 1] == 0) count--;
        version = new Pep440Version(text, 0, parts[..count].ToArray(), NoPre, 0, -1, long.MaxValue, []);
        return true;
    }

    public static Pep440Version Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a PEP 440 version");

    private static bool TryNumber(Group group, long fallback, out long value)
    {
        if (!group.Success || group.Value.Length == 0) { value = fallback; return true; }
        return long.TryParse(group.Value, out value);
    }

    /// <summary>One spelling per version (1.0.0 and v1.0 both give "1"), so explicit version lists can be hashed.</summary>
    public string Canonical
    {
        get
        {
            var s = new System.Text.StringBuilder();
            if (Epoch != 0) s.Append(Epoch).Append('!');
            s.AppendJoin('.', _release);
            if (_preKind is >= 0 and <= 2) s.Append(_preKind switch { 0 => "a", 1 => "b", _ => "rc" }).Append(_preNumber);
            if (_post >= 0) s.Append(".post").Append(_post);
            if (_dev != long.MaxValue) s.Append(".dev").Append(_dev);
            if (_local.Length > 0) s.Append('+').AppendJoin('.', _local);
            return s.ToString();
        }
    }

    public bool IsPreRelease => _preKind != NoPre || _dev != long.MaxValue;

    public int CompareTo(Pep440Version? other)
    {
        if (other is null) return 1;
        var c = Epoch.CompareTo(other.Epoch);
        if (c != 0) return c;
        for (var i = 0; i < Math.Max(_release.Length, other._release.Length); i++)
        {
            c = (i < _release.Length ? _release[i] : 0).CompareTo(i < other._release.Length ? other._release[i] : 0);
            if (c != 0) return c;
        }
        if ((c = _preKind.CompareTo(other._preKind)) != 0) return c;
        if ((c = _preNumber.CompareTo(other._preNumber)) != 0) return c;
        if ((c = _post.CompareTo(other._post)) != 0) return c;
        if ((c = _dev.CompareTo(other._dev)) != 0) return c;
        return CompareLocal(_local, other._local);
    }

    // Local segments: numbers compare numerically and sort after strings; a longer local sorts after its prefix.
    private static int CompareLocal(string[] a, string[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var an = long.TryParse(a[i], out var ai);
            var bn = long.TryParse(b[i], out var bi);
            var c = an && bn ? ai.CompareTo(bi) : an ? 1 : bn ? -1 : string.CompareOrdinal(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }

    public bool Equals(Pep440Version? other) => other is not null && CompareTo(other) == 0;
    public override bool Equals(object? obj) => obj is Pep440Version v && Equals(v);
    public override int GetHashCode() => HashCode.Combine(Epoch, _release.Length > 0 ? _release[0] : 0, _preKind, _post, _dev);
    public override string ToString() => Text;

    /// <summary>PEP 503 normalised project name: lower case, runs of '-', '_' and '.' become one '-'.</summary>
    public static string NormalizeName(string name) => NameSeparators().Replace(name.Trim(), "-").ToLowerInvariant();

    [GeneratedRegex(@"[-_.]+")]
    private static partial Regex NameSeparators();
}

namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// Alpine package version order, as current apk-tools (version.c) defines it:
/// digit{.digit}…{letter}{_suffix{number}}…{~hash}{-rN}. Numbers compare numerically, except that a component with
/// a leading zero compares as a string ("1.01" &lt; "1.1", Gentoo's rule); _alpha/_beta/_pre/_rc sort before the
/// release and _cvs/_svn/_git/_hg/_p after it. (Older apk-tools got "1.0_rc1" vs "1.0" wrong; this follows the fix.)
/// </summary>
public static class ApkVersion
{
    // Token kinds in apk's order: a kind may only be followed by kinds the grammar allows, and when one version runs
    // out first, the one whose next token has the lower kind is the greater.
    private enum Kind { InitialDigit, Digit, Letter, Suffix, SuffixNo, CommitHash, RevisionNo, End, Invalid }

    // Suffix values in order; "none" is where a plain release sits between the pre- and post-release suffixes.
    private static readonly string[] Suffixes = ["alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"];
    private const int SuffixNone = 4;

    private struct Token
    {
        public Kind Kind;
        public int Start, Length, Suffix;
        public ulong Number;
    }

    public static int Compare(string a, string b)
    {
        int ia = 0, ib = 0;
        var ta = First(a, ref ia);
        var tb = First(b, ref ib);
        while (ta.Kind == tb.Kind && ta.Kind < Kind.End)
        {
            var c = CompareTokens(a, ta, b, tb);
            if (c != 0) return c;
            Next(a, ref ia, ref ta);
            Next(b, ref ib, ref tb);
        }
        if (ta.Kind == tb.Kind) return 0;
        // Equal so far: the longer version is greater, unless what follows is a pre-release suffix.
        if (ta.Kind == Kind.Suffix && ta.Suffix < SuffixNone) return -1;
        if (tb.Kind == Kind.Suffix && tb.Suffix < SuffixNone) return 1;
        return ta.Kind > tb.Kind ? -1 : 1;
    }

    private static int CompareTokens(string a, Token ta, string b, Token tb)
    {
        switch (ta.Kind)
        {
            case Kind.Digit when a[ta.Start] == '0' || b[tb.Start] == '0':
            case Kind.CommitHash:
                return Math.Sign(a.AsSpan(ta.Start, ta.Length).SequenceCompareTo(b.AsSpan(tb.Start, tb.Length)));
            case Kind.Letter:
                return a[ta.Start].CompareTo(b[tb.Start]);
            case Kind.Suffix:
                return ta.Suffix.CompareTo(tb.Suffix);
            default:
                return ta.Number.CompareTo(tb.Number);
        }
    }

    private static Token First(string s, ref int i)
    {
        var t = new Token { Kind = Kind.InitialDigit };
        Digits(s, ref i, ref t);
        return t;
    }

    private static void Digits(string s, ref int i, ref Token t)
    {
        t.Start = i;
        ulong n = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) n = unchecked((n * 10) + (ulong)(s[i++] - '0'));
        (t.Number, t.Length) = (n, i - t.Start);
        if (t.Length == 0) t.Kind = Kind.Invalid;
    }

    private static int SuffixValue(ReadOnlySpan<char> word)
    {
        for (var v = 0; v < Suffixes.Length; v++)
            if (v != SuffixNone && word.SequenceEqual(Suffixes[v])) return v;
        return -1;
    }

    private static void Next(string s, ref int i, ref Token t)
    {
        if (i >= s.Length) { t.Kind = Kind.End; return; }
        var c = s[i];
        switch (c)
        {
            case >= 'a' and <= 'z' when t.Kind <= Kind.Digit:
                (t.Kind, t.Start, t.Length) = (Kind.Letter, i, 1);
                i++;
                return;
            case '.' when t.Kind <= Kind.Digit:
            case >= '0' and <= '9' when t.Kind is Kind.InitialDigit or Kind.Digit or Kind.Suffix:
                t.Kind = t.Kind == Kind.Suffix ? Kind.SuffixNo : Kind.Digit;
                if (c == '.') i++;
                Digits(s, ref i, ref t);
                return;
            case '_' when t.Kind <= Kind.SuffixNo:
                var start = ++i;
                while (i < s.Length && char.IsAsciiLetterLower(s[i])) i++;
                t.Suffix = SuffixValue(s.AsSpan(start, i - start));
                (t.Kind, t.Start, t.Length) = (t.Suffix < 0 ? Kind.Invalid : Kind.Suffix, start, i - start);
                return;
            case '~' when t.Kind < Kind.CommitHash:
                var hash = ++i;
                while (i < s.Length && char.IsAsciiHexDigit(s[i])) i++;
                (t.Kind, t.Start, t.Length) = (i == hash ? Kind.Invalid : Kind.CommitHash, hash, i - hash);
                return;
            case '-' when t.Kind < Kind.RevisionNo && i + 1 < s.Length && s[i + 1] == 'r':
                i += 2;
                t.Kind = Kind.RevisionNo;
                Digits(s, ref i, ref t);
                return;
            default:
                t.Kind = Kind.Invalid;
                return;
        }
    }
}

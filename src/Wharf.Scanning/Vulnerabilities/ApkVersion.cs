namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// Alpine package version order, a port of apk-tools' version.c: dotted numbers (a leading zero compares as a
/// fraction), one optional letter, suffixes where _alpha/_beta/_pre/_rc sort before the release and
/// _cvs/_svn/_git/_hg/_p after it, then -rN.
/// </summary>
public static class ApkVersion
{
    // The token kinds in apk's order; the order matters because a component of a lower kind may not follow a higher one.
    private enum Token { Invalid = -1, DigitOrZero, Digit, Letter, Suffix, SuffixNo, RevisionNo, End }

    private static readonly string[] PreSuffixes = ["alpha", "beta", "pre", "rc"];
    private static readonly string[] PostSuffixes = ["cvs", "svn", "git", "hg", "p"];

    public static int Compare(string a, string b)
    {
        var at = Token.Digit;
        var bt = Token.Digit;
        int ai = 0, bi = 0;
        long av = 0, bv = 0;
        while (at == bt && at != Token.End && at != Token.Invalid && av == bv)
        {
            av = GetToken(ref at, a, ref ai);
            bv = GetToken(ref bt, b, ref bi);
        }
        if (av != bv) return av < bv ? -1 : 1;
        if (at == bt) return 0;
        // Equal so far: the longer version is greater, unless what follows is a pre-release suffix.
        if (at == Token.Suffix && GetToken(ref at, a, ref ai) < 0) return -1;
        if (bt == Token.Suffix && GetToken(ref bt, b, ref bi) < 0) return 1;
        return at > bt ? -1 : bt > at ? 1 : 0;
    }

    private static void NextToken(ref Token type, string s, ref int i)
    {
        var n = Token.Invalid;
        if (i >= s.Length) n = Token.End;
        else if ((type is Token.Digit or Token.DigitOrZero) && char.IsAsciiLetterLower(s[i])) n = Token.Letter;
        else if (type == Token.Letter && char.IsAsciiDigit(s[i])) n = Token.Digit;
        else if (type == Token.Suffix && char.IsAsciiDigit(s[i])) n = Token.SuffixNo;
        else
        {
            switch (s[i])
            {
                case '.': n = Token.DigitOrZero; break;
                case '_': n = Token.Suffix; break;
                case '-':
                    if (i + 1 < s.Length && s[i + 1] == 'r') { n = Token.RevisionNo; i++; }
                    break;
            }
            i++;
        }
        if (n < type && !((n == Token.DigitOrZero && type == Token.Digit) || (n == Token.Suffix && type == Token.SuffixNo)
                          || (n == Token.Digit && type == Token.Letter)))
            n = Token.Invalid;
        type = n;
    }

    private static long GetToken(ref Token type, string s, ref int i)
    {
        if (i >= s.Length) { type = Token.End; return 0; }
        long v = 0;
        var start = i;
        var next = Token.Invalid;
        switch (type)
        {
            case Token.DigitOrZero when s[i] == '0':
                // Leading zeros: "1.01" is below "1.1", as in a decimal fraction.
                while (i < s.Length && s[i] == '0') i++;
                next = Token.Digit;
                v = -(i - start);
                break;
            case Token.DigitOrZero or Token.Digit or Token.SuffixNo or Token.RevisionNo:
                while (i < s.Length && char.IsAsciiDigit(s[i])) v = v * 10 + (s[i++] - '0');
                break;
            case Token.Letter:
                v = s[i++];
                break;
            case Token.Suffix:
                var at = i;
                var pre = Array.FindIndex(PreSuffixes, p => string.CompareOrdinal(s, at, p, 0, p.Length) == 0);
                if (pre >= 0) { v = pre - PreSuffixes.Length; i += PreSuffixes[pre].Length; break; }
                var post = Array.FindIndex(PostSuffixes, p => string.CompareOrdinal(s, at, p, 0, p.Length) == 0);
                if (post >= 0) { v = post; i += PostSuffixes[post].Length; break; }
                type = Token.Invalid;
                return -1;
            default:
                type = Token.Invalid;
                return -1;
        }
        if (i >= s.Length) type = Token.End;
        else if (next != Token.Invalid) type = next;
        else NextToken(ref type, s, ref i);
        return v;
    }
}

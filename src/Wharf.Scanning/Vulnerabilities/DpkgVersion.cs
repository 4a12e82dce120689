namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// Debian package version order, as dpkg's verrevcmp defines it: epoch:upstream-revision, where within each part
/// non-digit runs compare with letters before non-letters and '~' before everything (even the end), and digit
/// runs compare numerically. Debian's OSV records (and its security tracker) use this order.
/// </summary>
public static class DpkgVersion
{
    public static int Compare(string a, string b)
    {
        var (ea, ua, ra) = Split(a);
        var (eb, ub, rb) = Split(b);
        var c = ea.CompareTo(eb);
        if (c != 0) return c;
        c = CompareFragment(ua, ub);
        return c != 0 ? c : CompareFragment(ra, rb);
    }

    /// <summary>Splits "epoch:upstream-revision"; the revision is after the last hyphen, the epoch defaults to 0.</summary>
    internal static (long Epoch, string Upstream, string Revision) Split(string version)
    {
        var v = version.Trim();
        long epoch = 0;
        var colon = v.IndexOf(':');
        if (colon > 0 && long.TryParse(v.AsSpan(0, colon), out var e))
        {
            epoch = e;
            v = v[(colon + 1)..];
        }
        var dash = v.LastIndexOf('-');
        return dash >= 0 ? (epoch, v[..dash], v[(dash + 1)..]) : (epoch, v, "");
    }

    // dpkg's order(): '~' is below the end of string, digits are 0 here, letters keep their code, others after letters.
    private static int Order(char c) =>
        char.IsAsciiDigit(c) ? 0
        : char.IsAsciiLetter(c) ? c
        : c == '~' ? -1
        : c + 256;

    private static int CompareFragment(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            var firstDiff = 0;
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var ac = i < a.Length ? Order(a[i]) : 0;
                var bc = j < b.Length ? Order(b[j]) : 0;
                if (ac != bc) return ac - bc;
                i++;
                j++;
            }
            while (i < a.Length && a[i] == '0') i++;
            while (j < b.Length && b[j] == '0') j++;
            while (i < a.Length && char.IsAsciiDigit(a[i]) && j < b.Length && char.IsAsciiDigit(b[j]))
            {
                if (firstDiff == 0) firstDiff = a[i] - b[j];
                i++;
                j++;
            }
            if (i < a.Length && char.IsAsciiDigit(a[i])) return 1;
            if (j < b.Length && char.IsAsciiDigit(b[j])) return -1;
            if (firstDiff != 0) return firstDiff;
        }
        return 0;
    }
}

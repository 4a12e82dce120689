namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// CVSS v3.0/v3.1 base score computed from the vector, per the FIRST specification (section 7): the metric
/// weights, the scope-changed impact formula and Roundup (v3.1's integer-based Roundup, v3.0's plain ceiling).
/// </summary>
public static class Cvss3
{
    /// <summary>The base score of a "CVSS:3.x/…" vector, or null when the vector is not a complete v3 base vector.</summary>
    public static double? BaseScore(string vector)
    {
        var parts = vector.Trim().Split('/');
        if (parts.Length < 9 || parts[0] is not ("CVSS:3.0" or "CVSS:3.1")) return null;
        var m = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.AsSpan(1))
        {
            var colon = part.IndexOf(':');
            // A repeated metric makes the vector invalid in the specification.
            if (colon <= 0 || !m.TryAdd(part[..colon], part[(colon + 1)..])) return null;
        }
        if (!m.TryGetValue("S", out var scope) || scope is not ("U" or "C")) return null;
        var changed = scope == "C";
        double? av = Get(m, "AV") switch { "N" => 0.85, "A" => 0.62, "L" => 0.55, "P" => 0.2, _ => null };
        double? ac = Get(m, "AC") switch { "L" => 0.77, "H" => 0.44, _ => null };
        double? pr = Get(m, "PR") switch { "N" => 0.85, "L" => changed ? 0.68 : 0.62, "H" => changed ? 0.5 : 0.27, _ => null };
        double? ui = Get(m, "UI") switch { "N" => 0.85, "R" => 0.62, _ => null };
        double? c = Cia(Get(m, "C")), i = Cia(Get(m, "I")), a = Cia(Get(m, "A"));
        if (av is null || ac is null || pr is null || ui is null || c is null || i is null || a is null) return null;

        var iss = 1 - ((1 - c.Value) * (1 - i.Value) * (1 - a.Value));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * av.Value * ac.Value * pr.Value * ui.Value;
        if (impact <= 0) return 0;
        var raw = changed ? Math.Min(1.08 * (impact + exploitability), 10) : Math.Min(impact + exploitability, 10);
        return parts[0] == "CVSS:3.1" ? Roundup31(raw) : Math.Ceiling(raw * 10) / 10;
    }

    private static string? Get(Dictionary<string, string> m, string key) => m.GetValueOrDefault(key);

    private static double? Cia(string? v) => v switch { "H" => 0.56, "L" => 0.22, "N" => 0, _ => null };

    // v3.1 Appendix A: round to the nearest 1/100000 first, so 4.000000001 (a floating point artefact) stays 4.0.
    internal static double Roundup31(double input)
    {
        var scaled = (long)Math.Round(input * 100000);
        return scaled % 10000 == 0 ? scaled / 100000.0 : (Math.Floor(scaled / 10000.0) + 1) / 10.0;
    }
}

using Wharf.Scanning.Vulnerabilities;

namespace Wharf.Scanning.Inventory;

/// <summary>Package URLs (purl-spec) for the ecosystems the inventory reads.</summary>
public static class PackageUrl
{
    public static string Deb(string vendor, string name, string version, string? arch, string? distro) =>
        $"pkg:deb/{vendor}/{Encode(name)}@{Encode(version)}{Qualifiers(("arch", arch), ("distro", distro))}";

    public static string Apk(string vendor, string name, string version, string? arch, string? distro) =>
        $"pkg:apk/{vendor}/{Encode(name)}@{Encode(version)}{Qualifiers(("arch", arch), ("distro", distro))}";

    // The pypi purl type requires the PEP 503 normalised name.
    public static string PyPI(string name, string version) =>
        $"pkg:pypi/{Encode(Pep440Version.NormalizeName(name))}@{Encode(version)}";

    private static string Qualifiers(params (string Key, string? Value)[] qualifiers)
    {
        // purl qualifiers are sorted by key; empty ones are left out.
        var present = qualifiers.Where(q => !string.IsNullOrEmpty(q.Value)).OrderBy(q => q.Key, StringComparer.Ordinal)
            .Select(q => $"{q.Key}={Encode(q.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }

    // Percent-encode what purl does not allow raw in a segment; ':' stays readable as the spec permits ("1:2.3-1").
    private static string Encode(string s) => Uri.EscapeDataString(s).Replace("%3A", ":", StringComparison.Ordinal);
}

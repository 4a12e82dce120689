namespace Wharf.Scanning.Inventory;

/// <summary>The package managers the inventory reads; each maps to an OSV ecosystem and a purl type.</summary>
public enum PackageEcosystem { Debian, Alpine, PyPI }

/// <summary>
/// One installed package as the image's own database records it, with where it was found (the layer that last wrote
/// the record and the path inside it), so a finding can point at the layer that brought the package in.
/// </summary>
public sealed record InstalledPackage(
    PackageEcosystem Ecosystem,
    string Name,
    string Version,
    string? Architecture,
    string? SourceName,
    string? SourceVersion,
    string Purl,
    string LayerDigest,
    string Path)
{
    /// <summary>The name OSV indexes: Debian advisories name the source package, Alpine ones the origin.</summary>
    public string AdvisoryName => SourceName ?? Name;

    /// <summary>The version advisories compare: the source version for Debian (a binNMU's "+b1" is not the source's).</summary>
    public string AdvisoryVersion => SourceVersion ?? Version;
}

/// <summary>The distribution an image says it is, from etc/os-release (ID, VERSION_ID, VERSION_CODENAME).</summary>
public sealed record OsRelease(string Id, string? VersionId, string? VersionCodename, string? PrettyName)
{
    /// <summary>OSV's ecosystem name for this distribution's OS packages: "Debian:12", "Alpine:v3.19", or null.</summary>
    public string? OsvEcosystem => Id switch
    {
        "debian" when VersionId is { Length: > 0 } v => "Debian:" + v.Split('.')[0],
        "ubuntu" when VersionId is { Length: > 0 } v => "Ubuntu:" + v,
        "alpine" when VersionId is { Length: > 0 } v => "Alpine:v" + string.Join('.', v.Split('.').Take(2)),
        _ => null,
    };

    /// <summary>The purl distro qualifier, e.g. "debian-12" or "alpine-3.19.1".</summary>
    public string? PurlDistro => VersionId is { Length: > 0 } v ? $"{Id}-{(Id == "debian" ? v.Split('.')[0] : v)}" : null;

    public static OsRelease? Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=');
            if (line.StartsWith('#') || eq <= 0) continue;
            values[line[..eq]] = line[(eq + 1)..].Trim().Trim('"', '\'');
        }
        return values.TryGetValue("ID", out var id)
            ? new OsRelease(id, values.GetValueOrDefault("VERSION_ID"), values.GetValueOrDefault("VERSION_CODENAME"), values.GetValueOrDefault("PRETTY_NAME"))
            : null;
    }
}

/// <summary>What an image holds, after every layer and whiteout: its distribution and its packages.</summary>
public sealed record ImageInventoryResult(OsRelease? OsRelease, IReadOnlyList<InstalledPackage> Packages);

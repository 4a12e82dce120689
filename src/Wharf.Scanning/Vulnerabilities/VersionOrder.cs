namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// The version order of one ecosystem. Versions are parsed once into keys (a PEP 440 version is a regex match, too
/// slow to redo per comparison); Parse returns null when a version is not in the ecosystem's grammar, so the
/// matcher refuses to guess instead of comparing strings.
/// </summary>
public abstract class VersionOrder
{
    public abstract object? Parse(string version);

    public abstract int CompareKeys(object a, object b);

    /// <summary>The spelling explicit versions[] lists are hashed by (PEP 440: 1.0 and 1.0.0 are one version).</summary>
    public virtual string Canonical(object key) => (string)key;

    public int? Compare(string a, string b) =>
        Parse(a) is { } ka && Parse(b) is { } kb ? Math.Sign(CompareKeys(ka, kb)) : null;

    public static readonly VersionOrder Pep440 = new Pep440Order();
    public static readonly VersionOrder Dpkg = new StringOrder(DpkgVersion.Compare);
    public static readonly VersionOrder Apk = new StringOrder(ApkVersion.Compare);
    public static readonly VersionOrder SemVer = new StringOrder(Vulnerabilities.SemVer.Compare);

    /// <summary>The order for an OSV ecosystem name such as "PyPI", "Debian:12" or "Alpine:v3.19".</summary>
    public static VersionOrder? ForEcosystem(string ecosystem)
    {
        var colon = ecosystem.IndexOf(':');
        var family = colon >= 0 ? ecosystem[..colon] : ecosystem;
        return family switch
        {
            "PyPI" => Pep440,
            "Debian" or "Ubuntu" => Dpkg,
            "Alpine" or "Wolfi" or "Chainguard" => Apk,
            _ => null,
        };
    }

    private sealed class Pep440Order : VersionOrder
    {
        public override object? Parse(string version) => Pep440Version.TryParse(version, out var v) ? v : null;
        public override int CompareKeys(object a, object b) => ((Pep440Version)a).CompareTo((Pep440Version)b);
        public override string Canonical(object key) => ((Pep440Version)key).Canonical;
    }

    private sealed class StringOrder(Func<string, string, int> compare) : VersionOrder
    {
        public override object? Parse(string version) => version.Trim() is { Length: > 0 } v ? v : null;
        public override int CompareKeys(object a, object b) => compare((string)a, (string)b);
    }
}

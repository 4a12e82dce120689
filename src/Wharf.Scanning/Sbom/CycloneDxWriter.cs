using System.Globalization;
using System.Text.Json;
using Wharf.Scanning.Inventory;
using Wharf.Scanning.Vulnerabilities;

namespace Wharf.Scanning.Sbom;

/// <summary>The artifact an SBOM describes: its repository name, its manifest digest and, if it has one, its tag.</summary>
public sealed record SbomSubject(string Repository, string ManifestDigest, string? Tag);

/// <summary>
/// Writes an image inventory (and optionally its vulnerability findings) as a CycloneDX 1.6 JSON document. Each
/// package is a component whose bom-ref is its purl plus where it was found, so two copies of one package in
/// different layers stay two components; findings point at those components.
/// </summary>
public static class CycloneDxWriter
{
    public const string MediaType = "application/vnd.cyclonedx+json";
    public const string SpecVersion = "1.6";

    public static CycloneDxBom Build(SbomSubject subject, ImageInventoryResult inventory, VulnerabilityReport? report, TimeProvider time, Guid? serial = null)
    {
        var refs = new Dictionary<InstalledPackage, string>(ReferenceEqualityComparer.Instance);
        var components = new List<CycloneDxComponent>();
        foreach (var p in inventory.Packages)
        {
            var bomRef = $"{p.Purl}#{p.Path}";
            refs[p] = bomRef;
            var properties = new List<CycloneDxProperty>
            {
                new("wharf:layer", p.LayerDigest),
                new("wharf:path", p.Path),
            };
            if (p.SourceName is { } src && (src != p.Name || p.SourceVersion != p.Version))
                properties.Add(new("wharf:source", $"{src} {p.SourceVersion}"));
            components.Add(new CycloneDxComponent(bomRef, "library", p.Name, p.Version, p.Purl, properties));
        }

        var subjectVersion = subject.Tag ?? subject.ManifestDigest;
        var artifact = new CycloneDxComponent($"{subject.Repository}@{subject.ManifestDigest}", "container", subject.Repository, subjectVersion,
            $"pkg:oci/{Uri.EscapeDataString(subject.Repository.Split('/')[^1])}@{Uri.EscapeDataString(subject.ManifestDigest)}?repository_url={Uri.EscapeDataString(subject.Repository)}",
            null);
        var metadataProperties = new List<CycloneDxProperty>();
        if (inventory.OsRelease is { } os) metadataProperties.Add(new("wharf:os", os.PrettyName ?? $"{os.Id} {os.VersionId}"));
        if (report is not null) metadataProperties.Add(new("wharf:osv-database", report.DatabaseVersion));

        var vulnerabilities = report?.Findings.Select((f, i) => ToVulnerability(f, refs.GetValueOrDefault(f.Package) ?? f.Package.Purl, i)).ToList();
        return new CycloneDxBom("CycloneDX", SpecVersion, $"urn:uuid:{serial ?? Guid.NewGuid()}", 1,
            new CycloneDxMetadata(time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                new CycloneDxTools([new CycloneDxComponent("wharf-scanning", "application", "wharf-scanning", null, null, null)]),
                artifact, metadataProperties.Count > 0 ? metadataProperties : null),
            components, vulnerabilities);
    }

    public static byte[] ToJson(CycloneDxBom bom) => JsonSerializer.SerializeToUtf8Bytes(bom, CycloneDxJsonContext.Default.CycloneDxBom);

    public static CycloneDxBom? FromJson(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, CycloneDxJsonContext.Default.CycloneDxBom);

    private static CycloneDxVulnerability ToVulnerability(VulnerabilityFinding f, string componentRef, int index)
    {
        var source = f.Id switch
        {
            var id when id.StartsWith("PYSEC-", StringComparison.Ordinal) => new CycloneDxSource("PyPA", $"https://osv.dev/vulnerability/{id}"),
            var id when id.StartsWith("MAL-", StringComparison.Ordinal) => new CycloneDxSource("OpenSSF Malicious Packages", $"https://osv.dev/vulnerability/{id}"),
            var id => new CycloneDxSource("OSV", $"https://osv.dev/vulnerability/{id}"),
        };
        var method = f.CvssVector switch
        {
            { } v when v.StartsWith("CVSS:3.1", StringComparison.Ordinal) => "CVSSv31",
            { } v when v.StartsWith("CVSS:3.0", StringComparison.Ordinal) => "CVSSv3",
            { } v when v.StartsWith("CVSS:4.0", StringComparison.Ordinal) => "CVSSv4",
            _ => "other",
        };
        // CycloneDX's severity words are the same as Wharf's (critical … none, unknown), in lower case.
        var rating = new CycloneDxRating(f.Score, f.Severity.ToString().ToLowerInvariant(),
            method, f.Score is null ? null : f.CvssVector);
        var aliases = f.Aliases.Select(a => new CycloneDxVulnerabilityReference(a, new CycloneDxSource(a.StartsWith("CVE-", StringComparison.Ordinal) ? "NVD" : "OSV",
            a.StartsWith("CVE-", StringComparison.Ordinal) ? $"https://nvd.nist.gov/vuln/detail/{a}" : $"https://osv.dev/vulnerability/{a}"))).ToList();
        var properties = f.IsMalicious ? new List<CycloneDxProperty> { new("wharf:malicious", "true") } : null;
        return new CycloneDxVulnerability($"{f.Id}#{index}", f.Id, source, aliases.Count > 0 ? aliases : null, [rating], f.Summary,
            f.FixedVersion is { } fix ? $"Upgrade {f.Package.Name} to {fix} or later." : null, [new CycloneDxAffects(componentRef)], properties);
    }
}

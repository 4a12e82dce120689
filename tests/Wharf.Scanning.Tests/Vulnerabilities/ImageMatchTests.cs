using System.Text.Json;
using Wharf.Scanning.Inventory;
using Wharf.Scanning.Sbom;
using Wharf.Scanning.Tests.Inventory;
using Wharf.Scanning.Vulnerabilities;

namespace Wharf.Scanning.Tests.Vulnerabilities;

/// <summary>The three-layer image of <see cref="ImageInventoryTests"/> against the real shared OSV data, end to end.</summary>
[Collection(SharedOsvCollection.Name)]
public sealed class ImageMatchTests(SharedOsvDatabase shared)
{
    [Fact]
    public async Task Every_finding_of_the_image_is_exactly_the_expected_one()
    {
        var layers = ImageInventoryTests.Image();
        var inventory = await ImageInventory.ReadAsync(layers, CancellationToken.None);
        var report = VulnerabilityMatcher.Match(inventory, shared.Database);
        string L(int i) => layers[i].Item1.Digest.ToString();
        const string dist = ImageInventoryTests.DistPackages, site = ImageInventoryTests.SitePackages;
        Assert.Equal(
        [
            ("MAL-2024-11632", "midi_melady_extraction", "94.6", null, Severity.Critical, L(1), $"{site}/midi_melady_extraction-94.6.dist-info/METADATA"),
            ("PYSEC-2023-192", "urllib3", "1.26.12", "1.26.17", Severity.High, L(0), $"{dist}/urllib3-1.26.12.egg-info/PKG-INFO"),
            ("PYSEC-2023-192", "urllib3", "1.26.4", "1.26.17", Severity.High, L(1), $"{site}/urllib3-1.26.4.dist-info/METADATA"),
            ("PYSEC-2023-212", "urllib3", "1.26.12", "1.26.18", Severity.Medium, L(0), $"{dist}/urllib3-1.26.12.egg-info/PKG-INFO"),
            ("PYSEC-2023-212", "urllib3", "1.26.4", "1.26.18", Severity.Medium, L(1), $"{site}/urllib3-1.26.4.dist-info/METADATA"),
            ("PYSEC-2023-175", "Pillow", "9.4.0", "10.0.1", Severity.Unknown, L(0), $"{dist}/Pillow-9.4.0.egg-info/PKG-INFO"),
            ("PYSEC-2023-227", "Pillow", "9.4.0", "10.0.0", Severity.Unknown, L(0), $"{dist}/Pillow-9.4.0.egg-info/PKG-INFO"),
            ("PYSEC-2022-43015", "torch", "1.13.0a0+gitunknown", "1.13.1", Severity.Unknown, L(1), $"{site}/torch-1.13.0a0+gitunknown.egg-info/PKG-INFO"),
            ("PYSEC-2021-108", "urllib3", "1.26.4", "1.26.5", Severity.Unknown, L(1), $"{site}/urllib3-1.26.4.dist-info/METADATA"),
        ],
        report.Findings.Select(f => (f.Id, f.Package.Name, f.InstalledVersion, f.FixedVersion, f.Severity, f.Package.LayerDigest, f.Package.Path)));
        // requests 2.28.1 (PYSEC-2023-74) was whited out, Jinja2 2.10 (PYSEC-2019-217, PYSEC-2021-66) hidden by the opaque venv.
        Assert.Equal(shared.Database.Version, report.DatabaseVersion);
    }

    [Fact]
    public async Task The_sbom_is_cyclonedx_1_6_with_purls_and_the_findings_pointing_at_components()
    {
        var inventory = await ImageInventory.ReadAsync(ImageInventoryTests.Image(), CancellationToken.None);
        var report = VulnerabilityMatcher.Match(inventory, shared.Database);
        var time = new FixedTime(new DateTimeOffset(2026, 12, 3, 14, 30, 0, TimeSpan.Zero));
        var serial = Guid.Parse("3e671687-395b-41f5-a30f-a58921a69b79");
        var subject = new SbomSubject("team/server", "sha256:" + new string('a', 64), "v1");
        var json = CycloneDxWriter.ToJson(CycloneDxWriter.Build(subject, inventory, report, time, serial));

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("CycloneDX", root.GetProperty("bomFormat").GetString());
        Assert.Equal("1.6", root.GetProperty("specVersion").GetString());
        Assert.Equal("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", root.GetProperty("serialNumber").GetString());
        Assert.Equal("2026-12-03T14:30:00Z", root.GetProperty("metadata").GetProperty("timestamp").GetString());
        Assert.Equal("container", root.GetProperty("metadata").GetProperty("component").GetProperty("type").GetString());
        var components = root.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(inventory.Packages.Count, components.Count);
        var purls = components.Select(c => c.GetProperty("purl").GetString()).ToList();
        Assert.Contains("pkg:pypi/midi-melady-extraction@94.6", purls);
        Assert.Contains("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12", purls);
        var refs = components.Select(c => c.GetProperty("bom-ref").GetString()).ToHashSet();
        Assert.Equal(components.Count, refs.Count);
        var vulns = root.GetProperty("vulnerabilities").EnumerateArray().ToList();
        Assert.Equal(report.Findings.Count, vulns.Count);
        Assert.All(vulns, v => Assert.Contains(v.GetProperty("affects")[0].GetProperty("ref").GetString(), refs));
        var high = vulns.First(v => v.GetProperty("id").GetString() == "PYSEC-2023-192").GetProperty("ratings")[0];
        Assert.Equal((8.1, "high", "CVSSv31"), (high.GetProperty("score").GetDouble(), high.GetProperty("severity").GetString(), high.GetProperty("method").GetString()));
        Assert.Equal("application/vnd.cyclonedx+json", CycloneDxWriter.MediaType);
        Assert.NotNull(CycloneDxWriter.FromJson(json));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

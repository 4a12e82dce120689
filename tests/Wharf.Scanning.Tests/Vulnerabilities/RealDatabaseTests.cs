using Wharf.Scanning.Inventory;
using Wharf.Scanning.Vulnerabilities;
using Xunit.Abstractions;

namespace Wharf.Scanning.Tests.Vulnerabilities;

[Collection(SharedOsvCollection.Name)]
public sealed class RealDatabaseTests(SharedOsvDatabase shared, ITestOutputHelper output)
{
    private readonly OsvDatabase _db = shared.Database;

    private static InstalledPackage Py(string name, string version) =>
        new(PackageEcosystem.PyPI, name, version, null, null, null, PackageUrl.PyPI(name, version), "sha256:" + new string('0', 64), "x/METADATA");

    private IReadOnlyList<(string Id, string? Fixed, Severity Severity)> Findings(string name, string version) =>
        VulnerabilityMatcher.Match(new ImageInventoryResult(null, [Py(name, version)]), _db).Findings
            .Select(f => (f.Id, f.FixedVersion, f.Severity)).ToList();

    [Fact]
    public void The_whole_shared_database_loads_without_errors_and_withdrawn_records_are_left_out()
    {
        output.WriteLine($"{_db.RecordCount} records, {_db.WithdrawnCount} withdrawn, {_db.LoadTime.TotalMilliseconds:F0} ms, {_db.Version}");
        Assert.Empty(_db.Errors);
        Assert.True(_db.RecordCount + _db.WithdrawnCount >= 11_800, $"{_db.RecordCount} + {_db.WithdrawnCount}");
        Assert.StartsWith("sha256:", _db.Version);
        // PYSEC-2023-73 (redis) is withdrawn: no version of redis matches it.
        Assert.DoesNotContain(_db.For("PyPI", "redis"), e => e.Record.Id == "PYSEC-2023-73");
    }

    [Theory]
    // PYSEC-2023-212 (CVE-2023-45803): [0, 1.26.18) and [2.0.0, 2.0.7), written out of order in the record.
    [InlineData("urllib3", "1.26.17", true, "1.26.18")]
    [InlineData("urllib3", "1.26.18", false, null)]
    [InlineData("urllib3", "2.0.6", true, "2.0.7")]
    [InlineData("urllib3", "2.0.7", false, null)]
    [InlineData("urllib3", "2.0.0a1", false, null)] // a pre-release of 2.0.0 is below "introduced: 2.0.0" and above 1.26.18
    [InlineData("URLLib3", "1.26.5", true, "1.26.18")] // PEP 503: the name's case does not matter
    public void Urllib3_body_leak_on_redirect_matches_exactly_its_ranges(string name, string version, bool affected, string? fix)
    {
        var hit = Findings(name, version).Where(f => f.Id == "PYSEC-2023-212").ToList();
        Assert.Equal(affected, hit.Count == 1);
        if (affected) Assert.Equal(("PYSEC-2023-212", fix, Severity.Medium), hit[0]); // CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N = 4.2
    }

    [Fact]
    public void Pillow_9_4_0_has_exactly_its_two_advisories_and_10_0_1_none()
    {
        Assert.Equal([("PYSEC-2023-175", "10.0.1", Severity.Unknown), ("PYSEC-2023-227", "10.0.0", Severity.Unknown)], Findings("Pillow", "9.4.0"));
        Assert.Equal([("PYSEC-2023-175", "10.0.1", Severity.Unknown)], Findings("pillow", "10.0.0"));
        Assert.Empty(Findings("pillow", "10.0.1"));
    }

    [Fact]
    public void Debian_built_torch_with_a_local_version_is_still_below_the_fix()
    {
        Assert.Equal([("PYSEC-2022-43015", "1.13.1", Severity.Unknown)], Findings("torch", "1.13.0a0+gitunknown"));
        Assert.Empty(Findings("torch", "1.13.1"));
    }

    [Fact]
    public void A_malicious_package_matches_its_listed_version_only_and_is_critical()
    {
        var findings = VulnerabilityMatcher.Match(new ImageInventoryResult(null, [Py("midi_melady.extraction", "94.6"), Py("midi-melady-extraction", "94.5")]), _db).Findings;
        var f = Assert.Single(findings);
        Assert.Equal(("MAL-2024-11632", "94.6", Severity.Critical, true, "malicious", (string?)null), (f.Id, f.InstalledVersion, f.Severity, f.IsMalicious, f.SeveritySource, f.FixedVersion));
    }

    [Fact]
    public void Severity_is_the_base_score_computed_from_the_advisory_vector()
    {
        // PYSEC-2023-192 (CVE-2023-43804, urllib3 Cookie header on redirect): CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N.
        var f = VulnerabilityMatcher.Match(new ImageInventoryResult(null, [Py("urllib3", "1.26.12")]), _db).Findings.Single(x => x.Id == "PYSEC-2023-192");
        Assert.Equal((8.1, Severity.High, "cvss", "1.26.17"), (f.Score!.Value, f.Severity, f.SeveritySource, f.FixedVersion));
        Assert.Contains("CVE-2023-43804", f.Aliases);
    }
}

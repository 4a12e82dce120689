using System.Text;
using Wharf.Scanning.Vulnerabilities;

namespace Wharf.Scanning.Tests.Vulnerabilities;

public sealed class OsvDocumentReaderTests
{
    private const string Data = "/work/shared/data/osv";

    [Fact]
    public void Yaml_records_keep_versions_as_strings_and_read_every_field_matching_needs()
    {
        var r = OsvDocumentReader.ReadYaml(File.ReadAllText($"{Data}/pypa-advisory-database/vulns/urllib3/PYSEC-2023-212.yaml"))!;
        Assert.Equal("PYSEC-2023-212", r.Id);
        Assert.Equal(["CVE-2023-45803", "GHSA-g4mx-q9vg-27p4"], r.Aliases);
        Assert.False(r.Withdrawn);
        var a = Assert.Single(r.Affected);
        Assert.Equal(("PyPI", "urllib3"), (a.Ecosystem, a.Name));
        Assert.Equal(["GIT", "ECOSYSTEM"], a.Ranges.Select(x => x.Type));
        Assert.Equal([(OsvEventKind.Introduced, "2.0.0"), (OsvEventKind.Fixed, "2.0.7"), (OsvEventKind.Introduced, "0"), (OsvEventKind.Fixed, "1.26.18")],
            a.Ranges[1].Events.Select(e => (e.Kind, e.Version)));
        // "1.10" must not be read as the number 1.1.
        Assert.Contains("1.10", a.Versions);
        Assert.Contains("0.2", a.Versions);
    }

    [Fact]
    public void Withdrawn_and_malicious_records_are_recognised()
    {
        var withdrawn = OsvDocumentReader.ReadYaml(File.ReadAllText($"{Data}/pypa-advisory-database/vulns/redis/PYSEC-2023-73.yaml"))!;
        Assert.True(withdrawn.Withdrawn);
        var mal = OsvDocumentReader.ReadJson(File.ReadAllBytes($"{Data}/ossf-malicious-pypi/pypi/midi-melady-extraction/MAL-2024-11632.json"))!;
        Assert.True(mal.IsMalicious);
        Assert.Equal(["94.6"], Assert.Single(mal.Affected).Versions);
    }

    [Fact]
    public void Json_and_yaml_spellings_of_one_record_read_the_same()
    {
        const string json = """{"id":"X-1","aliases":["CVE-1"],"affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.10"}]}],"versions":["1.0"]}],"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],"database_specific":{"severity":"HIGH"}}""";
        const string yaml = """
            id: X-1
            aliases: [CVE-1]
            affected:
            - package: {ecosystem: PyPI, name: a}
              ranges:
              - type: ECOSYSTEM
                events:
                - introduced: "0"
                - fixed: 1.10
              versions: [1.0]
            severity:
            - type: CVSS_V3
              score: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
            database_specific: {severity: HIGH}
            """;
        var a = OsvDocumentReader.ReadJson(Encoding.UTF8.GetBytes(json))!;
        var b = OsvDocumentReader.ReadYaml(yaml)!;
        Assert.Equal(a.Id, b.Id);
        Assert.Equal(a.Aliases, b.Aliases);
        Assert.Equal(a.DatabaseSeverity, b.DatabaseSeverity);
        Assert.Equal(a.Severity, b.Severity);
        Assert.Equal(a.Affected[0].Versions, b.Affected[0].Versions);
        Assert.Equal(a.Affected[0].Ranges[0].Events, b.Affected[0].Ranges[0].Events);
        Assert.Equal("1.10", b.Affected[0].Ranges[0].Events[1].Version);
    }
}

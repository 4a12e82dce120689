using Wharf.Scanning.Inventory;
using Wharf.Scanning.Tests.Layers;
using Wharf.Scanning.Vulnerabilities;

namespace Wharf.Scanning.Tests.Vulnerabilities;

/// <summary>
/// OS packages against OSV records in the form osv.dev publishes for Debian and Alpine (the shared data holds only
/// PyPI), matched through a real dpkg status and a real-format apk database read from image layers.
/// </summary>
public sealed class OsPackageMatchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wharf-osv-os-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Record(string id, string ecosystem, string package, string fixedVersion, string? cvss = null, string? databaseSeverity = null)
    {
        var severity = cvss is null ? "" : $$""","severity":[{"type":"CVSS_V3","score":"{{cvss}}"}]""";
        var database = databaseSeverity is null ? "" : $$""","database_specific":{"severity":"{{databaseSeverity}}"}""";
        File.WriteAllText(Path.Combine(_dir, id + ".json"), $$"""
            {"id":"{{id}}","summary":"{{package}} - security update","aliases":[],
             "affected":[{"package":{"ecosystem":"{{ecosystem}}","name":"{{package}}","purl":"pkg:deb/debian/{{package}}?arch=source"},
                          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"{{fixedVersion}}"}]}]}]{{severity}}{{database}}}
            """);
    }

    [Fact]
    public async Task Debian_packages_match_by_source_package_and_source_version_in_their_release()
    {
        Record("DSA-9001-1", "Debian:12", "openssl", "3.0.20-1~deb12u1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H");
        Record("DSA-9002-1", "Debian:12", "util-linux", "2.38.1-5+deb12u4", databaseSeverity: "low");
        Record("DSA-9003-1", "Debian:12", "zlib", "1:1.2.13.dfsg-1+deb12u1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        Record("DSA-9004-1", "Debian:12", "tar", "1.34+dfsg-1.2+deb12u1");   // installed is the fixed version
        Record("DSA-9005-1", "Debian:11", "openssl", "3.0.99-1");            // another release
        Record("DSA-9006-1", "Debian:12", "libssl3", "3.0.99-1");            // a binary name: Debian advisories name sources
        Record("DSA-9007-1", "Debian:12", "bash", "5.2.15-2");               // the binNMU 5.2.15-2+b8 is source 5.2.15-2
        var layer = new TestLayer().File("etc/os-release", TestData.Text("os-release")).File("var/lib/dpkg/status", TestData.Text("dpkg-status")).Gzip();
        var inventory = await ImageInventory.ReadAsync([TestLayer.Blob(layer, "application/vnd.oci.image.layer.v1.tar+gzip")], CancellationToken.None);

        var report = VulnerabilityMatcher.Match(inventory, OsvDatabase.Load(_dir));
        // bsdutils' own version carries an epoch (1:2.38.1-5+deb12u3) that its source's does not: compared as the
        // binary version it would look fixed.
        Assert.Equal(
        [
            ("DSA-9003-1", "zlib1g", "1:1.2.13.dfsg-1", "1:1.2.13.dfsg-1+deb12u1", Severity.Critical),
            ("DSA-9001-1", "libssl3", "3.0.19-1~deb12u2", "3.0.20-1~deb12u1", Severity.High),
            ("DSA-9001-1", "openssl", "3.0.19-1~deb12u2", "3.0.20-1~deb12u1", Severity.High),
            ("DSA-9002-1", "bsdutils", "2.38.1-5+deb12u3", "2.38.1-5+deb12u4", Severity.Low),
        ], report.Findings.Select(f => (f.Id, f.Package.Name, f.InstalledVersion, f.FixedVersion, f.Severity)));
    }

    [Fact]
    public async Task Alpine_packages_match_by_origin_in_their_release_with_apk_order()
    {
        Record("ALPINE-9001", "Alpine:v3.19", "openssl", "3.1.4-r6");
        Record("ALPINE-9002", "Alpine:v3.19", "musl", "1.2.4_git20230717-r4"); // the installed version
        Record("ALPINE-9003", "Alpine:v3.18", "openssl", "3.1.9-r0");
        const string installed = "P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\n\n";
        var layer = new TestLayer()
            .File("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n")
            .File("lib/apk/db/installed", installed)
            .Zstd();
        var inventory = await ImageInventory.ReadAsync([TestLayer.Blob(layer, "application/vnd.oci.image.layer.v1.tar+zstd")], CancellationToken.None);
        Assert.Equal(["pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1", "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1"],
            inventory.Packages.Select(p => p.Purl));

        var report = VulnerabilityMatcher.Match(inventory, OsvDatabase.Load(_dir));
        var f = Assert.Single(report.Findings);
        Assert.Equal(("ALPINE-9001", "libcrypto3", "3.1.4-r5", "3.1.4-r6", Severity.Unknown), (f.Id, f.Package.Name, f.InstalledVersion, f.FixedVersion, f.Severity));
    }
}

using Wharf.Scanning.Inventory;

namespace Wharf.Scanning.Tests.Inventory;

public sealed class PackageDatabaseParserTests
{
    // The layout apk writes to lib/apk/db/installed (alpine:3.19), two records and their file lists.
    private const string ApkInstalled = """
        C:Q1qKcZ+j23xssAXmgQhkOO8dHnbWw=
        P:musl
        V:1.2.4_git20230717-r4
        A:x86_64
        S:407278
        I:667648
        T:the musl c library (libc) implementation
        U:https://musl.libc.org/
        L:MIT
        o:musl
        m:Natanael Copa <ncopa@alpinelinux.org>
        t:1700591346
        c:2d6d1f9d7e6e2c1bd2c4e5b1c7bd1d26b3d8cbe0
        p:so:libc.musl-x86_64.so.1=1
        F:lib
        R:ld-musl-x86_64.so.1
        a:0:0:755
        Z:Q1Yb7YeXsoKpJjmGhW2t9UwhUVdYY=

        C:Q1n5vh5ZpJOGU7qqK3m8mgBCTc4eM=
        P:libcrypto3
        V:3.1.4-r5
        A:x86_64
        o:openssl
        F:usr/lib
        R:libcrypto.so.3

        """;

    [Fact]
    public void Apk_records_give_name_version_arch_and_origin()
    {
        Assert.Equal(
            [new PackageRecord("musl", "1.2.4_git20230717-r4", "x86_64", "musl", "1.2.4_git20230717-r4"),
             new PackageRecord("libcrypto3", "3.1.4-r5", "x86_64", "openssl", "3.1.4-r5")],
            PackageDatabaseParsers.Apk(ApkInstalled.Replace("\r", "")));
    }

    [Fact]
    public void Dpkg_skips_packages_that_are_not_installed()
    {
        const string status = """
            Package: gone
            Status: deinstall ok config-files
            Version: 1.0-1

            Package: half
            Status: install reinstreq half-installed
            Version: 2.0-1

            Package: here
            Status: install ok installed
            Architecture: all
            Version: 3.0-1
            Description: a package
             with a long description
             .
             over lines
            """;
        Assert.Equal([new PackageRecord("here", "3.0-1", "all", "here", "3.0-1")], PackageDatabaseParsers.Dpkg(status));
    }

    [Fact]
    public void Python_metadata_stops_at_the_body_so_a_description_cannot_name_a_version()
    {
        var text = "Metadata-Version: 2.1\nName: real\nVersion: 1.0\n\nName: fake\nVersion: 9.9\n";
        Assert.Equal(new PackageRecord("real", "1.0", null, null, null), PackageDatabaseParsers.PythonMetadata(text));
        Assert.Null(PackageDatabaseParsers.PythonMetadata("Metadata-Version: 2.1\nName: nameless-version\n"));
    }

    [Theory]
    [InlineData("ID=alpine\nVERSION_ID=3.19.1\n", "Alpine:v3.19", "alpine-3.19.1")]
    [InlineData("ID=debian\nVERSION_ID=\"12\"\n", "Debian:12", "debian-12")]
    [InlineData("ID=ubuntu\nVERSION_ID=\"22.04\"\n", "Ubuntu:22.04", "ubuntu-22.04")]
    [InlineData("ID=debian\nPRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\n", null, null)]
    public void Os_release_names_the_osv_ecosystem(string text, string? ecosystem, string? distro)
    {
        var os = OsRelease.Parse(text)!;
        Assert.Equal(ecosystem, os.OsvEcosystem);
        Assert.Equal(distro, os.PurlDistro);
    }
}

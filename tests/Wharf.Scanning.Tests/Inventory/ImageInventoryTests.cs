using Wharf.Core;
using Wharf.Scanning.Inventory;
using Wharf.Scanning.Tests.Layers;

namespace Wharf.Scanning.Tests.Inventory;

/// <summary>A three-layer image of real package databases, with a whiteout and an opaque directory in the top layer.</summary>
public sealed class ImageInventoryTests
{
    internal const string DistPackages = "usr/lib/python3/dist-packages";
    internal const string SitePackages = "usr/local/lib/python3.11/site-packages";
    internal const string Venv = "opt/venv/lib/python3.11/site-packages";

    /// <summary>A real metadata file with its Name and Version lines changed, the rest as the installer wrote it.</summary>
    internal static string Renamed(string relative, string name, string version) =>
        string.Join('\n', TestData.Text(relative).Split('\n').Select(l =>
            l.StartsWith("Name: ", StringComparison.Ordinal) ? "Name: " + name
            : l.StartsWith("Version: ", StringComparison.Ordinal) ? "Version: " + version : l));

    internal static IReadOnlyList<(Descriptor, Func<CancellationToken, Task<Stream>>)> Image()
    {
        const string urllib3 = "python/urllib3-1.26.12.egg-info/PKG-INFO";
        var bottom = new TestLayer()
            .Symlink("etc/os-release", "../usr/lib/os-release")
            .File("usr/lib/os-release", TestData.Text("os-release"))
            .File("var/lib/dpkg/status", TestData.Text("dpkg-status"))
            // dpkg keeps its previous database beside the current one; it is not what is installed.
            .HardLink("var/lib/dpkg/status-old", "var/lib/dpkg/status")
            .File($"{DistPackages}/urllib3-1.26.12.egg-info/PKG-INFO", TestData.Text(urllib3))
            .File($"{DistPackages}/requests-2.28.1.egg-info/PKG-INFO", TestData.Text("python/requests-2.28.1.egg-info/PKG-INFO"))
            .File($"{DistPackages}/PyYAML-6.0.dist-info/METADATA", TestData.Text("python/PyYAML-6.0.dist-info/METADATA"))
            .File($"{DistPackages}/Pillow-9.4.0.egg-info/PKG-INFO", TestData.Text("python/Pillow-9.4.0.egg-info/PKG-INFO"))
            .File($"{DistPackages}/sympy-1.11.1.egg-info", TestData.Text("python/sympy-1.11.1.egg-info"))
            .File($"{DistPackages}/urllib3/__init__.py", "# not a database file\n")
            .Gzip();
        var middle = new TestLayer(System.Formats.Tar.TarEntryFormat.Gnu)
            .File($"{SitePackages}/torch-1.13.0a0+gitunknown.egg-info/PKG-INFO", TestData.Text("python/torch-1.13.0a0+gitunknown.egg-info/PKG-INFO"))
            .File($"{SitePackages}/urllib3-1.26.4.dist-info/METADATA", Renamed(urllib3, "urllib3", "1.26.4"))
            .File($"{SitePackages}/midi_melady_extraction-94.6.dist-info/METADATA",
                Renamed("python/PyYAML-6.0.dist-info/METADATA", "midi_melady_extraction", "94.6"))
            .File($"{Venv}/numpy-1.24.2.egg-info/PKG-INFO", TestData.Text("python/numpy-1.24.2.egg-info/PKG-INFO"))
            .File($"{Venv}/Jinja2-2.10.dist-info/METADATA", Renamed("python/PyYAML-6.0.dist-info/METADATA", "Jinja2", "2.10"))
            .Zstd();
        var top = new TestLayer()
            .Whiteout(DistPackages, "requests-2.28.1.egg-info")
            // The new venv content comes before the opaque marker: it belongs to this layer and must survive it.
            .File($"{Venv}/Jinja2-3.1.2.dist-info/METADATA", Renamed("python/PyYAML-6.0.dist-info/METADATA", "Jinja2", "3.1.2"))
            .Opaque(Venv)
            .Tar();
        return
        [
            TestLayer.Blob(bottom, "application/vnd.oci.image.layer.v1.tar+gzip"),
            TestLayer.Blob(middle, "application/vnd.oci.image.layer.v1.tar+zstd"),
            TestLayer.Blob(top, "application/vnd.oci.image.layer.v1.tar"),
        ];
    }

    [Fact]
    public async Task Packages_are_what_the_image_holds_after_whiteouts_with_the_layer_and_path_that_hold_them()
    {
        var layers = Image();
        var result = await ImageInventory.ReadAsync(layers, CancellationToken.None);
        Assert.Equal(new OsRelease("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)"), result.OsRelease);
        Assert.Equal("Debian:12", result.OsRelease!.OsvEcosystem);
        string L(int i) => layers[i].Item1.Digest.ToString();
        var python = result.Packages.Where(p => p.Ecosystem == PackageEcosystem.PyPI).Select(p => (p.Name, p.Version, p.Purl, p.LayerDigest, p.Path));
        Assert.Equal(
        [
            ("Jinja2", "3.1.2", "pkg:pypi/jinja2@3.1.2", L(2), $"{Venv}/Jinja2-3.1.2.dist-info/METADATA"),
            ("Pillow", "9.4.0", "pkg:pypi/pillow@9.4.0", L(0), $"{DistPackages}/Pillow-9.4.0.egg-info/PKG-INFO"),
            ("PyYAML", "6.0", "pkg:pypi/pyyaml@6.0", L(0), $"{DistPackages}/PyYAML-6.0.dist-info/METADATA"),
            ("sympy", "1.11.1", "pkg:pypi/sympy@1.11.1", L(0), $"{DistPackages}/sympy-1.11.1.egg-info"),
            ("urllib3", "1.26.12", "pkg:pypi/urllib3@1.26.12", L(0), $"{DistPackages}/urllib3-1.26.12.egg-info/PKG-INFO"),
            ("midi_melady_extraction", "94.6", "pkg:pypi/midi-melady-extraction@94.6", L(1), $"{SitePackages}/midi_melady_extraction-94.6.dist-info/METADATA"),
            ("torch", "1.13.0a0+gitunknown", "pkg:pypi/torch@1.13.0a0%2Bgitunknown", L(1), $"{SitePackages}/torch-1.13.0a0+gitunknown.egg-info/PKG-INFO"),
            ("urllib3", "1.26.4", "pkg:pypi/urllib3@1.26.4", L(1), $"{SitePackages}/urllib3-1.26.4.dist-info/METADATA"),
        ], python);

        var debian = result.Packages.Where(p => p.Ecosystem == PackageEcosystem.Debian).ToList();
        Assert.Equal(11, debian.Count);
        Assert.All(debian, p => Assert.Equal(("var/lib/dpkg/status", L(0)), (p.Path, p.LayerDigest)));
        Assert.Equal(
        [
            ("base-files", "12.4+deb12u11", "base-files", "12.4+deb12u11"),
            ("bash", "5.2.15-2+b8", "bash", "5.2.15-2"),
            ("bsdutils", "1:2.38.1-5+deb12u3", "util-linux", "2.38.1-5+deb12u3"),
            ("bzip2", "1.0.8-5+b1", "bzip2", "1.0.8-5"),
            ("libc6", "2.36-9+deb12u14", "glibc", "2.36-9+deb12u14"),
            ("libpython3.11-stdlib", "3.11.2-6+deb12u6", "python3.11", "3.11.2-6+deb12u6"),
            ("libssl3", "3.0.19-1~deb12u2", "openssl", "3.0.19-1~deb12u2"),
            ("openssl", "3.0.19-1~deb12u2", "openssl", "3.0.19-1~deb12u2"),
            ("python3.11-minimal", "3.11.2-6+deb12u6", "python3.11", "3.11.2-6+deb12u6"),
            ("tar", "1.34+dfsg-1.2+deb12u1", "tar", "1.34+dfsg-1.2+deb12u1"),
            ("zlib1g", "1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1"),
        ], debian.Select(p => (p.Name, p.Version, p.SourceName, p.SourceVersion)));
        Assert.Equal("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12", debian[2].Purl);
        Assert.Equal("pkg:deb/debian/libssl3@3.0.19-1~deb12u2?arch=amd64&distro=debian-12", debian[6].Purl);
    }

    [Fact]
    public async Task Distroless_status_d_files_are_read_and_md5sums_lists_are_not()
    {
        var paragraphs = TestData.Text("dpkg-status").Split("\n\n");
        var openssl = paragraphs.Single(p => p.StartsWith("Package: openssl\n", StringComparison.Ordinal));
        var libssl = paragraphs.Single(p => p.StartsWith("Package: libssl3\n", StringComparison.Ordinal));
        var layer = new TestLayer()
            .File("var/lib/dpkg/status.d/openssl", openssl + "\n")
            .File("var/lib/dpkg/status.d/openssl.md5sums", "0123456789abcdef0123456789abcdef  usr/bin/openssl\n")
            .File("var/lib/dpkg/status.d/libssl3", libssl)
            .File("etc/os-release", TestData.Text("os-release"))
            .Tar();
        var result = await ImageInventory.ReadAsync([TestLayer.Blob(layer, "application/vnd.oci.image.layer.v1.tar")], CancellationToken.None);
        Assert.Equal([("libssl3", "var/lib/dpkg/status.d/libssl3"), ("openssl", "var/lib/dpkg/status.d/openssl")],
            result.Packages.Select(p => (p.Name, p.Path)));
    }

    [Fact]
    public async Task A_later_status_file_replaces_the_earlier_one_and_removed_packages_go_with_it()
    {
        var status = TestData.Text("dpkg-status");
        var withoutTar = string.Join("\n\n", status.Split("\n\n").Where(p => !p.StartsWith("Package: tar\n", StringComparison.Ordinal)));
        var result = await ImageInventory.ReadAsync(
        [
            TestLayer.Blob(new TestLayer().File("var/lib/dpkg/status", status).Gzip(), "application/vnd.oci.image.layer.v1.tar+gzip"),
            TestLayer.Blob(new TestLayer().File("var/lib/dpkg/status", withoutTar).Gzip(), "application/vnd.oci.image.layer.v1.tar+gzip"),
        ], CancellationToken.None);
        Assert.Equal(10, result.Packages.Count);
        Assert.DoesNotContain(result.Packages, p => p.Name == "tar");
        // No os-release: the vendor is assumed Debian, but no distro qualifier is invented.
        Assert.Equal("pkg:deb/debian/bash@5.2.15-2%2Bb8?arch=amd64", result.Packages.Single(p => p.Name == "bash").Purl);
    }
}

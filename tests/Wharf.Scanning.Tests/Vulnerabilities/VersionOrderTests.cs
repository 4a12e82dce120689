using Wharf.Scanning.Vulnerabilities;

namespace Wharf.Scanning.Tests.Vulnerabilities;

public sealed class VersionOrderTests
{
    // PEP 440, "Summary of permitted suffixes and relative ordering", in order.
    private static readonly string[] Pep440Ordered =
    [
        "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456",
        "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34",
        "1.0.post456", "1.0.15", "1.1.dev1",
    ];

    [Fact]
    public void Pep440_orders_the_specification_example_exactly()
    {
        for (var i = 0; i < Pep440Ordered.Length; i++)
            for (var j = 0; j < Pep440Ordered.Length; j++)
                Assert.Equal(Math.Sign(i.CompareTo(j)), VersionOrder.Pep440.Compare(Pep440Ordered[i], Pep440Ordered[j]));
    }

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.0RC1", "1.0rc1")]
    [InlineData("1.0c1", "1.0rc1")]
    [InlineData("1.0-1", "1.0.post1")]
    [InlineData("1.0.rev1", "1.0.post1")]
    [InlineData("v1.0", "1.0")]
    [InlineData("1.0alpha1", "1.0a1")]
    [InlineData("1.0-dev", "1.0.dev0")]
    [InlineData("1.0+ubuntu-1", "1.0+ubuntu.1")]
    public void Pep440_normalises_alternative_spellings(string a, string b)
    {
        Assert.Equal(0, VersionOrder.Pep440.Compare(a, b));
        Assert.Equal(Pep440Version.Parse(a).Canonical, Pep440Version.Parse(b).Canonical);
    }

    [Theory]
    [InlineData("1!0.1", "2.0", 1)]
    [InlineData("2.0", "1!0.1", -1)]
    [InlineData("1.13.0a0+gitunknown", "1.13.0", -1)] // Debian's torch build: a pre-release with a local label
    [InlineData("1.13.0a0+gitunknown", "1.13.0a0", 1)]
    [InlineData("1.26.12", "1.26.18", -1)]
    [InlineData("1.10", "1.9", 1)]
    [InlineData("2.0.0", "2.0.0.post1", -1)]
    public void Pep440_compares_epochs_locals_and_numbers(string a, string b, int expected) =>
        Assert.Equal(expected, VersionOrder.Pep440.Compare(a, b));

    [Theory]
    [InlineData("not a version")]
    [InlineData("1.0-beta-2-final")]
    [InlineData("1..0")]
    [InlineData("1.0.")]
    [InlineData("")]
    public void Pep440_refuses_what_is_not_a_version(string text) => Assert.False(Pep440Version.TryParse(text, out _));

    [Theory]
    [InlineData("Foo.Bar__baz", "foo-bar-baz")]
    [InlineData("PyYAML", "pyyaml")]
    [InlineData("zope.interface", "zope-interface")]
    [InlineData("charset_normalizer", "charset-normalizer")]
    public void Pep503_normalises_names(string name, string expected) => Assert.Equal(expected, Pep440Version.NormalizeName(name));

    // dpkg's own t/dpkg_version.t cases and Debian policy 5.6.12 examples.
    [Theory]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("1.0~~", "1.0~", -1)]
    [InlineData("1.0~~a", "1.0~", -1)]
    [InlineData("1.0~", "1.0", -1)]
    [InlineData("1.0", "1.0a", -1)]
    [InlineData("1.0a", "1.0+", -1)] // letters sort before other characters
    [InlineData("1.0-1", "2.0-2", -1)]
    [InlineData("2.2~rc-4", "2.2-1", -1)]
    [InlineData("1.0000-1", "1.0-1", 0)]
    [InlineData("1", "0:1", 0)]
    [InlineData("1.0", "1.0-0", 0)]
    [InlineData("1:1.0", "2.0", 1)]
    [InlineData("1.2.3", "1.2.10", -1)]
    [InlineData("3.0.19-1~deb12u2", "3.0.19-1", -1)] // a stable update sorts before the unstable upload it backports
    [InlineData("5.2.15-2+b8", "5.2.15-2", 1)]
    [InlineData("1:1.2.13.dfsg-1", "1:1.2.13.dfsg-1+deb12u1", -1)]
    [InlineData("0.9", "1:0.1", -1)]
    public void Dpkg_follows_verrevcmp(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(DpkgVersion.Compare(a, b)));
        Assert.Equal(-expected, Math.Sign(DpkgVersion.Compare(b, a)));
    }

    // apk-tools test/version.data pairs and the suffix rules of apk's version.c.
    [Theory]
    [InlineData("2.34", "0.1.0_alpha", 1)]
    [InlineData("0.1.0_alpha", "0.1.0_alpha", 0)]
    [InlineData("0.1.0_alpha", "0.1.3_alpha", -1)]
    [InlineData("0.1.0_alpha2", "0.1.0_alpha", 1)]
    [InlineData("0.1.0_alpha", "2.2.39-r1", -1)]
    [InlineData("2.2.39-r1", "1.0.4-r3", 1)]
    [InlineData("1.0.4-r3", "1.0.4-r4", -1)]
    [InlineData("1.0.4-r4", "1.6", -1)]
    [InlineData("1.0.2", "0.7-r1", 1)]
    [InlineData("1.1", "1.1_alpha1", 1)]
    [InlineData("1.2.1", "1.2", 1)]
    [InlineData("1.3_alpha", "1.3_alpha2", -1)]
    [InlineData("1.0_rc1", "1.0", -1)]
    [InlineData("1.0_beta1", "1.0_rc1", -1)]
    [InlineData("1.0_p1", "1.0", 1)]
    [InlineData("1.0_git20240101", "1.0", 1)]
    [InlineData("1.0a", "1.0", 1)]
    [InlineData("1.0a", "1.0b", -1)]
    [InlineData("1.01", "1.1", -1)]
    [InlineData("3.1.4-r5", "3.1.4-r10", -1)]
    [InlineData("1.36.1-r15", "1.36.1-r2", 1)]
    public void Apk_follows_apk_tools(string a, string b, int expected)
    {
        Assert.Equal(expected, ApkVersion.Compare(a, b));
        Assert.Equal(-expected, ApkVersion.Compare(b, a));
    }

    // Semantic Versioning 2.0, section 11, in order.
    [Fact]
    public void SemVer_orders_the_specification_example()
    {
        string[] ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1"];
        for (var i = 0; i < ordered.Length; i++)
            for (var j = 0; j < ordered.Length; j++)
                Assert.Equal(Math.Sign(i.CompareTo(j)), SemVer.Compare(ordered[i], ordered[j]));
        Assert.Equal(0, SemVer.Compare("1.0.0+build.1", "1.0.0+build.2"));
    }
}

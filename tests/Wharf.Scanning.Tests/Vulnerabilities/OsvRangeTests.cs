using Wharf.Scanning.Vulnerabilities;

namespace Wharf.Scanning.Tests.Vulnerabilities;

/// <summary>The OSV schema's evaluation rules ("Evaluation" in the OSV specification), one rule per test.</summary>
public sealed class OsvRangeTests
{
    private static AffectedRanges Affected(string ecosystem, string[] versions, params OsvRange[] ranges)
    {
        var affected = new OsvAffected(ecosystem, "pkg", ranges, versions, [], null);
        var record = new OsvRecord("TEST-1", [], null, false, [affected], [], null);
        return new AffectedRanges(record, affected, VersionOrder.ForEcosystem(ecosystem)!);
    }

    private static OsvRange Range(string type, params (OsvEventKind Kind, string Version)[] events) =>
        new(type, events.Select(e => new OsvEvent(e.Kind, e.Version)).ToList());

    private static string? Fixed(AffectedRanges a, string version) => a.Matches(version, out var f) ? f ?? "(none)" : null;

    [Fact]
    public void Events_are_evaluated_in_version_order_whatever_order_they_are_written_in()
    {
        // urllib3's PYSEC-2023-212 writes the 2.x range before the 1.x one.
        var a = Affected("PyPI", [], Range("ECOSYSTEM",
            (OsvEventKind.Introduced, "2.0.0"), (OsvEventKind.Fixed, "2.0.7"), (OsvEventKind.Introduced, "0"), (OsvEventKind.Fixed, "1.26.18")));
        Assert.Equal("1.26.18", Fixed(a, "1.26.12"));
        Assert.Null(Fixed(a, "1.26.18"));
        Assert.Null(Fixed(a, "1.26.20"));
        Assert.Equal("2.0.7", Fixed(a, "2.0.0"));
        Assert.Equal("2.0.7", Fixed(a, "2.0.6"));
        Assert.Null(Fixed(a, "2.0.7"));
        Assert.Null(Fixed(a, "2.1.0"));
        Assert.Equal("1.26.18", Fixed(a, "0.3"));
    }

    [Fact]
    public void Introduced_is_inclusive_fixed_is_exclusive_and_pre_releases_order_by_pep440()
    {
        var a = Affected("PyPI", [], Range("ECOSYSTEM", (OsvEventKind.Introduced, "1.0"), (OsvEventKind.Fixed, "1.2")));
        Assert.Null(Fixed(a, "0.9"));
        Assert.Null(Fixed(a, "1.0rc1"));
        Assert.Equal("1.2", Fixed(a, "1.0"));
        Assert.Equal("1.2", Fixed(a, "1.0.0"));
        Assert.Equal("1.2", Fixed(a, "1.2rc1"));
        Assert.Equal("1.2", Fixed(a, "1.1.post3"));
        Assert.Null(Fixed(a, "1.2"));
        Assert.Null(Fixed(a, "1.2.0"));
    }

    [Fact]
    public void Last_affected_is_inclusive_and_names_no_fix()
    {
        var a = Affected("PyPI", [], Range("ECOSYSTEM", (OsvEventKind.Introduced, "0"), (OsvEventKind.LastAffected, "1.11.0")));
        Assert.Equal("(none)", Fixed(a, "1.11.0"));
        Assert.Equal("(none)", Fixed(a, "1.4"));
        Assert.Null(Fixed(a, "1.11.1"));
        Assert.Null(Fixed(a, "1.11.0.post1"));
    }

    [Fact]
    public void Limit_bounds_the_range_from_above()
    {
        var a = Affected("PyPI", [], Range("ECOSYSTEM", (OsvEventKind.Introduced, "0"), (OsvEventKind.Limit, "2.0")));
        Assert.Equal("(none)", Fixed(a, "1.9"));
        Assert.Null(Fixed(a, "2.0"));
        Assert.Null(Fixed(a, "3.0"));
    }

    [Fact]
    public void Explicit_versions_match_by_version_equality_and_git_ranges_are_ignored()
    {
        var a = Affected("PyPI", ["94.6", "1.0"], Range("GIT", (OsvEventKind.Introduced, "0"), (OsvEventKind.Fixed, "4e98d57809dacab1cbe625fddeec1a290c478ea9")));
        Assert.Equal("(none)", Fixed(a, "94.6"));
        Assert.Equal("(none)", Fixed(a, "94.6.0"));
        Assert.Equal("(none)", Fixed(a, "1.0.0"));
        Assert.Null(Fixed(a, "94.7"));
        Assert.Null(Fixed(a, "1.0.1"));
    }

    [Fact]
    public void Semver_ranges_use_semver_precedence()
    {
        var a = Affected("PyPI", [], Range("SEMVER", (OsvEventKind.Introduced, "1.0.0-rc.1"), (OsvEventKind.Fixed, "1.0.2")));
        Assert.Null(Fixed(a, "1.0.0-beta.11"));
        Assert.Equal("1.0.2", Fixed(a, "1.0.0-rc.2"));
        Assert.Equal("1.0.2", Fixed(a, "1.0.1"));
        Assert.Null(Fixed(a, "1.0.2"));
    }

    [Fact]
    public void Debian_ranges_use_dpkg_order_with_tilde_and_epochs()
    {
        var a = Affected("Debian:12", [], Range("ECOSYSTEM", (OsvEventKind.Introduced, "0"), (OsvEventKind.Fixed, "3.0.11-1~deb12u2")));
        Assert.Equal("3.0.11-1~deb12u2", Fixed(a, "3.0.11-1~deb12u1"));
        Assert.Equal("3.0.11-1~deb12u2", Fixed(a, "3.0.9-1"));
        Assert.Null(Fixed(a, "3.0.11-1~deb12u2"));
        Assert.Null(Fixed(a, "3.0.11-1"));
        Assert.Null(Fixed(a, "3.0.19-1~deb12u2"));
        var epoch = Affected("Debian:12", [], Range("ECOSYSTEM", (OsvEventKind.Introduced, "0"), (OsvEventKind.Fixed, "1:1.2.13.dfsg-1+deb12u1")));
        Assert.Equal("1:1.2.13.dfsg-1+deb12u1", Fixed(epoch, "1:1.2.13.dfsg-1"));
        Assert.Null(Fixed(epoch, "1:1.3-1"));
    }

    [Fact]
    public void Alpine_ranges_use_apk_order()
    {
        var a = Affected("Alpine:v3.19", [], Range("ECOSYSTEM", (OsvEventKind.Introduced, "0"), (OsvEventKind.Fixed, "3.1.4-r5")));
        Assert.Equal("3.1.4-r5", Fixed(a, "3.1.4-r4"));
        Assert.Equal("3.1.4-r5", Fixed(a, "3.1.4_rc1-r9"));
        Assert.Null(Fixed(a, "3.1.4-r10"));
        Assert.Null(Fixed(a, "3.1.4_p1-r0"));
    }

    [Fact]
    public void An_installed_version_outside_the_grammar_matches_only_an_identical_listed_version()
    {
        var a = Affected("PyPI", ["weird-build"], Range("ECOSYSTEM", (OsvEventKind.Introduced, "0")));
        Assert.Equal("(none)", Fixed(a, "weird-build"));
        Assert.Null(Fixed(a, "other-weird-build"));
    }
}

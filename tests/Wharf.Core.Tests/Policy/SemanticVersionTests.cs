using Wharf.Core.Policy;

namespace Wharf.Core.Tests.Policy;

public class SemanticVersionTests
{
    [Theory]
    [InlineData("1.2.3", 1, 2, 3, null)]
    [InlineData("v1.2.3", 1, 2, 3, null)]
    [InlineData("V0.0.0", 0, 0, 0, null)]
    [InlineData("v10.20.30-rc.1", 10, 20, 30, "rc.1")]
    [InlineData("1.0.0-alpha-beta.7", 1, 0, 0, "alpha-beta.7")]
    [InlineData("1.0.0-0.3.7", 1, 0, 0, "0.3.7")]
    [InlineData("1.0.0-x-y-z.--", 1, 0, 0, "x-y-z.--")]
    public void Reads_versions(string tag, long major, long minor, long patch, string? prerelease)
    {
        Assert.True(SemanticVersion.TryParse(tag, out var version));
        Assert.Equal(new SemanticVersion(major, minor, patch, prerelease), version);
    }

    [Theory]
    [InlineData("2.0.0+build.5", null, "build.5")]
    [InlineData("1.0.0-alpha+001", "alpha", "001")]
    [InlineData("v1.0.0-beta+exp.sha.5114f85", "beta", "exp.sha.5114f85")]
    public void Reads_build_metadata(string tag, string? prerelease, string build)
    {
        Assert.True(SemanticVersion.TryParse(tag, out var version));
        Assert.Equal(prerelease, version.Prerelease);
        Assert.Equal(build, version.Build);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("01.2.3")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3-rc..1")]
    [InlineData("v")]
    [InlineData("vv1.2.3")]
    [InlineData("1.2.x")]
    [InlineData("")]
    [InlineData("99999999999999999999.0.0")]
    [InlineData("1.2.3-01")]
    [InlineData("1.2.3-rc.00")]
    [InlineData("1.2.3+")]
    [InlineData("1.2.3+a..b")]
    [InlineData("1.2.3+a_b")]
    [InlineData("1.2.3-rc.1_x")]
    public void Refuses_what_is_not_a_version(string tag) => Assert.False(SemanticVersion.TryParse(tag, out _));

    [Fact]
    public void Orders_by_semver_precedence()
    {
        string[] ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0", "v1.0.1", "1.2.0", "1.10.0", "2.0.0"];
        var parsed = ordered.Select(t => SemanticVersion.TryParse(t, out var v) ? v : throw new InvalidOperationException(t)).ToList();
        var shuffled = parsed.OrderBy(v => v.GetHashCode()).ToList();
        shuffled.Sort();
        Assert.Equal(parsed, shuffled);
    }

    [Fact]
    public void Build_metadata_does_not_count_for_precedence()
    {
        Assert.True(SemanticVersion.TryParse("1.0.0+a", out var a));
        Assert.True(SemanticVersion.TryParse("1.0.0+b", out var b));
        Assert.True(SemanticVersion.TryParse("1.0.0", out var plain));
        Assert.Equal(0, a.CompareTo(b));
        Assert.Equal(0, a.CompareTo(plain));
    }

    [Fact]
    public void Numeric_pre_release_identifiers_compare_as_numbers_past_the_range_of_long()
    {
        Assert.True(SemanticVersion.TryParse("1.0.0-rc.99999999999999999999", out var huge));
        Assert.True(SemanticVersion.TryParse("1.0.0-rc.100000000000000000000", out var huger));
        Assert.True(SemanticVersion.TryParse("1.0.0-rc.a", out var alpha));
        Assert.True(huge.CompareTo(huger) < 0);
        Assert.True(huger.CompareTo(alpha) < 0);
    }

    [Fact]
    public void Tags_sort_by_semver_precedence_then_the_rest_lexically()
    {
        string[] tags = ["latest", "v1.10.0", "1.2.0", "v1.2.0-rc.1", "1.2.0-alpha", "1.2.0-alpha.1", "1.2.0-alpha.beta", "0.9.1", "2.0.0+build.5", "main", "1.2.0-beta.2", "1.2.0-beta.11"];
        Assert.Equal(
            ["0.9.1", "1.2.0-alpha", "1.2.0-alpha.1", "1.2.0-alpha.beta", "1.2.0-beta.2", "1.2.0-beta.11", "v1.2.0-rc.1", "1.2.0", "v1.10.0", "2.0.0+build.5", "latest", "main"],
            SemanticVersion.Order(tags));
    }

    [Fact]
    public void Tags_of_equal_precedence_sort_by_name()
    {
        Assert.Equal(["1.0.0", "1.0.0+b", "v1.0.0", "1.0.1"], SemanticVersion.Order(["1.0.1", "v1.0.0", "1.0.0+b", "1.0.0"]));
    }
}

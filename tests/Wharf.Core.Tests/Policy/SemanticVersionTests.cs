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
    public void Reads_versions(string tag, long major, long minor, long patch, string? prerelease)
    {
        Assert.True(SemanticVersion.TryParse(tag, out var version));
        Assert.Equal(new SemanticVersion(major, minor, patch, prerelease), version);
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
}

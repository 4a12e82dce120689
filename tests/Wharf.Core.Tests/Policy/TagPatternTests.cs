using Wharf.Core.Policy;

namespace Wharf.Core.Tests.Policy;

public class TagPatternTests
{
    [Theory]
    [InlineData("v*", "v1.0.0", true)]
    [InlineData("v*", "v", true)]
    [InlineData("v*", "latest", false)]
    [InlineData("v*", "V1", false)] // tags are case-sensitive
    [InlineData("*", "anything", true)]
    [InlineData("release-*-final", "release-2024-final", true)]
    [InlineData("release-*-final", "release-2024-finals", false)]
    [InlineData("v?.?", "v1.2", true)]
    [InlineData("v?.?", "v10.2", false)]
    [InlineData("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    [InlineData("semver", "v1.2.3", true)]
    [InlineData("semver", "1.2.3-rc.1", true)]
    [InlineData("semver", "latest", false)]
    [InlineData("latest", "latest", true)]
    public void Matches_globs_and_semver(string pattern, string tag, bool expected) =>
        Assert.Equal(expected, TagPattern.Matches(pattern, tag));

    [Theory]
    [InlineData("")]
    [InlineData("v/1")]
    [InlineData("v[12]")]
    [InlineData("v 1")]
    public void Refuses_what_cannot_match_a_tag(string pattern) => Assert.NotNull(TagPattern.Problem(pattern));

    [Fact]
    public void Accepts_tag_characters_and_wildcards() => Assert.Null(TagPattern.Problem("v*.?-rc_1"));
}

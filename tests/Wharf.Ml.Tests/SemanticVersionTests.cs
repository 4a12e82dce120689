namespace Wharf.Ml.Tests;

public sealed class SemanticVersionTests
{
    [Fact]
    public void Tags_sort_by_semver_precedence_then_the_rest_lexically()
    {
        string[] tags = ["latest", "v1.10.0", "1.2.0", "v1.2.0-rc.1", "1.2.0-alpha", "1.2.0-alpha.1", "1.2.0-alpha.beta", "0.9.1", "2.0.0+build.5", "main", "1.2.0-beta.2", "1.2.0-beta.11"];
        Assert.Equal(
            ["0.9.1", "1.2.0-alpha", "1.2.0-alpha.1", "1.2.0-alpha.beta", "1.2.0-beta.2", "1.2.0-beta.11", "v1.2.0-rc.1", "1.2.0", "v1.10.0", "2.0.0+build.5", "latest", "main"],
            SemanticVersion.Order(tags));
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("01.2.3")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3-01")]
    [InlineData("latest")]
    public void Non_semver_tags_do_not_parse(string tag) => Assert.False(SemanticVersion.TryParse(tag, out _));
}

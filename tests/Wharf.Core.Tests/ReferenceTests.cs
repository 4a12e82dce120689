namespace Wharf.Core.Tests;

public class ReferenceTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("0")]
    [InlineData("ubuntu")]
    [InlineData("library/ubuntu")]
    [InlineData("team/model")]
    [InlineData("a/b/c/d/e/f")]
    [InlineData("123/456")]
    [InlineData("foo.bar")]
    [InlineData("foo_bar")]
    [InlineData("foo__bar")]
    [InlineData("foo-bar")]
    [InlineData("foo---bar")]
    [InlineData("a.b-c_d__e--f")]
    [InlineData("team/model-v1.2/weights_fp16")]
    [InlineData("blobs/manifests/tags/list")]
    public void Accepts_names_of_the_distribution_grammar(string name) => Assert.True(Reference.IsValidName(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Foo")]                      // uppercase refused
    [InlineData("foo/Bar")]
    [InlineData("FOO")]
    [InlineData(".foo")]                     // separators only between alphanumerics
    [InlineData("foo.")]
    [InlineData("-foo")]
    [InlineData("foo-")]
    [InlineData("_foo")]
    [InlineData("foo_")]
    [InlineData("foo..bar")]
    [InlineData("foo___bar")]                // "_" and "__" only, never three
    [InlineData("foo._bar")]
    [InlineData("foo-_bar")]
    [InlineData("foo_-bar")]
    [InlineData("foo.-bar")]
    [InlineData("/foo")]                     // leading, trailing, double slashes
    [InlineData("foo/")]
    [InlineData("foo//bar")]
    [InlineData("/")]
    [InlineData("../foo")]                   // path traversal
    [InlineData("foo/../bar")]
    [InlineData("foo/..")]
    [InlineData("./foo")]
    [InlineData("foo/./bar")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("foo/-bar")]
    [InlineData("foo-/bar")]
    [InlineData("foo/.bar")]
    [InlineData("foo bar")]
    [InlineData("foo:bar")]
    [InlineData("foo@bar")]
    [InlineData("foo+bar")]
    [InlineData("foo\\bar")]
    [InlineData("foo%2fbar")]
    [InlineData("caf\u00e9")]
    [InlineData("foo\n")]                    // a trailing newline must not slip past the end anchor
    [InlineData("foo\nbar")]
    [InlineData("foo/bar\n")]
    public void Refuses_names_outside_the_grammar(string? name) => Assert.False(Reference.IsValidName(name));

    [Fact]
    public void Names_are_at_most_255_characters()
    {
        Assert.Equal(255, Reference.MaxNameLength);
        Assert.True(Reference.IsValidName(new string('a', 255)));
        Assert.False(Reference.IsValidName(new string('a', 256)));
        var components = string.Join('/', Enumerable.Repeat("ab", 85)); // 85*2 + 84 = 254
        Assert.True(Reference.IsValidName(components + "c"));
        Assert.False(Reference.IsValidName(components + "cd"));
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v1.2.3")]
    [InlineData("V1")]
    [InlineData("UPPER_and_lower")]
    [InlineData("_")]
    [InlineData("_private")]
    [InlineData("1")]
    [InlineData("1.0.0-rc.1")]
    [InlineData("a-b_c.d")]
    [InlineData("sha256-5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270")] // referrers tag schema
    [InlineData("x..y--z__")]
    public void Accepts_tags_of_the_distribution_grammar(string tag) => Assert.True(Reference.IsValidTag(tag));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".hidden")]                  // first character is [a-zA-Z0-9_]
    [InlineData("-x")]
    [InlineData("a:b")]
    [InlineData("a/b")]
    [InlineData("a+b")]
    [InlineData("a b")]
    [InlineData("a@b")]
    [InlineData("t\u00e9")]
    [InlineData("latest\n")]
    [InlineData("latest\r")]
    [InlineData(" latest")]
    public void Refuses_tags_outside_the_grammar(string? tag) => Assert.False(Reference.IsValidTag(tag));

    [Fact]
    public void Tags_are_at_most_128_characters()
    {
        Assert.True(Reference.IsValidTag(new string('a', 128)));
        Assert.True(Reference.IsValidTag("_" + new string('.', 127)));
        Assert.False(Reference.IsValidTag(new string('a', 129)));
        Assert.False(Reference.IsValidTag(new string('a', 128) + "\n"));
    }

    [Theory]
    [InlineData("team/model", "team")]
    [InlineData("single", "single")]
    [InlineData("a/b/c", "a")]
    public void Namespace_is_the_first_path_component(string name, string expected) =>
        Assert.Equal(expected, Reference.Namespace(name));
}

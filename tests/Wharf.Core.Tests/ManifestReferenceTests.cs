namespace Wharf.Core.Tests;

public class ManifestReferenceTests
{
    private const string Sha256 = "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270";

    [Theory]
    [InlineData("latest")]
    [InlineData("v1.2.3")]
    [InlineData("_")]
    public void Parses_a_tag(string text)
    {
        Assert.True(ManifestReference.TryParse(text, out var reference));
        Assert.False(reference.IsDigest);
        Assert.Equal(text, reference.Tag);
        Assert.Null(reference.Digest);
        Assert.Equal(text, reference.ToString());
    }

    [Fact]
    public void Parses_a_digest()
    {
        Assert.True(ManifestReference.TryParse(Sha256, out var reference));
        Assert.True(reference.IsDigest);
        Assert.Null(reference.Tag);
        Assert.Equal(Digest.Parse(Sha256), reference.Digest);
        Assert.Equal(Sha256, reference.ToString());
    }

    [Fact]
    public void Parses_a_sha512_digest()
    {
        var sha512 = Digest.Compute("x"u8, Digest.Sha512).ToString();
        Assert.True(ManifestReference.TryParse(sha512, out var reference));
        Assert.Equal(Digest.Sha512, reference.Digest!.Value.Algorithm);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("latest\n")]
    [InlineData("a:b")]                                  // neither a tag nor a digest
    [InlineData("sha256:abc")]                           // digest of the wrong length
    [InlineData("SHA256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270")]
    [InlineData("sha256:5B0BCABD1ED22E9FB1310CF6C2DEC7CDEF19F0AD69EFA1F392E94A4333501270")]
    [InlineData("sha384:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270")]
    [InlineData("sha256:")]
    [InlineData(":latest")]
    public void Refuses_anything_else(string text)
    {
        Assert.False(ManifestReference.TryParse(text, out var reference));
        Assert.Equal(default, reference);
    }

    [Fact]
    public void Tags_longer_than_128_are_refused()
    {
        Assert.True(ManifestReference.TryParse(new string('t', 128), out _));
        Assert.False(ManifestReference.TryParse(new string('t', 129), out _));
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Wharf.Core.Tests;

public class DigestTests
{
    private const string EmptySha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string EmptySha512 = "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
        + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";
    private static readonly string Hex64 = new('a', 64);
    private static readonly string Hex128 = new('0', 128);

    [Theory]
    [InlineData(EmptySha256, "sha256")]
    [InlineData(EmptySha512, "sha512")]
    [InlineData(MediaTypes.EmptyJsonDigest, "sha256")]
    public void Parses_supported_algorithms_and_round_trips(string text, string algorithm)
    {
        Assert.True(Digest.TryParse(text, out var digest));
        Assert.Equal(algorithm, digest.Algorithm);
        Assert.Equal(text[(algorithm.Length + 1)..], digest.Hex);
        Assert.Equal(text, digest.ToString());
        Assert.Equal(digest, Digest.Parse(text));
    }

    public static TheoryData<string?> Invalid => new()
    {
        null, "", ":", "sha256", "sha256:", ":" + Hex64, "sha256" + Hex64,
        "sha256:" + Hex64[..63], "sha256:" + Hex64 + "a",           // wrong length
        "sha256:" + Hex128, "sha512:" + Hex64, "sha512:" + Hex128[..127],
        "sha256:" + Hex64.ToUpperInvariant(), "sha256:A" + Hex64[1..], // uppercase hex
        "SHA256:" + Hex64, "Sha256:" + Hex64,                        // uppercase algorithm
        "sha384:" + new string('a', 96), "md5:" + new string('a', 32), "blake3:" + Hex64, // unknown algorithm
        "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
        "sha256:g" + Hex64[1..], "sha256:" + Hex64[..63] + "-", "sha256::" + Hex64[1..],
        " sha256:" + Hex64, "sha256:" + Hex64 + " ", "sha256:" + Hex64 + "\n", "sha256 :" + Hex64,
        "sha256:" + Hex64[..63] + "\u0661",                           // non-ASCII digit
        "sha256:" + Hex64[..63] + "\uff41",                           // full-width 'a'
        "sha256:" + Hex64[..62] + "\r\n",
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_malformed_digests(string? text)
    {
        Assert.False(Digest.TryParse(text, out var digest));
        Assert.Equal(default, digest);
        if (text is not null) Assert.Throws<FormatException>(() => Digest.Parse(text));
    }

    [Theory]
    [InlineData("sha256", true)]
    [InlineData("sha512", true)]
    [InlineData("SHA256", false)]
    [InlineData("sha384", false)]
    [InlineData("blake3", false)]
    [InlineData("", false)]
    public void Knows_which_algorithms_it_supports(string algorithm, bool supported) =>
        Assert.Equal(supported, Digest.IsSupportedAlgorithm(algorithm));

    [Theory]
    [InlineData("", "sha256", EmptySha256)]
    [InlineData("", "sha512", EmptySha512)]
    [InlineData("{}", "sha256", MediaTypes.EmptyJsonDigest)]
    [InlineData("abc", "sha256", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void Computes_known_vectors(string content, string algorithm, string expected) =>
        Assert.Equal(Digest.Parse(expected), Digest.Compute(Encoding.UTF8.GetBytes(content), algorithm));

    [Fact]
    public void Compute_defaults_to_sha256() =>
        Assert.Equal(EmptySha256, Digest.Compute([]).ToString());

    [Theory]
    [InlineData("sha384")]
    [InlineData("SHA512")]
    [InlineData("md5")]
    [InlineData("")]
    public void Refuses_to_hash_with_an_unsupported_algorithm(string algorithm)
    {
        Assert.Throws<ArgumentException>(() => Digest.Compute("x"u8, algorithm));
        Assert.Throws<ArgumentException>(() => Digest.CreateHash(algorithm));
        Assert.Throws<ArgumentException>(() => Digest.FromHash(algorithm, new byte[32]));
    }

    [Fact]
    public void FromHash_lowercases_and_checks_the_length()
    {
        var hash = SHA256.HashData("abc"u8);
        Assert.Equal(Digest.Compute("abc"u8), Digest.FromHash(Digest.Sha256, hash));
        Assert.Throws<ArgumentException>(() => Digest.FromHash(Digest.Sha512, hash));
        Assert.Throws<ArgumentException>(() => Digest.FromHash(Digest.Sha256, hash.AsSpan(1)));
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("sha512")]
    public void Matches_only_the_exact_content(string algorithm)
    {
        var digest = Digest.Compute("hello"u8, algorithm);
        Assert.True(digest.Matches("hello"u8));
        Assert.False(digest.Matches("hello!"u8));
        Assert.False(digest.Matches([]));
    }

    [Theory]
    [InlineData("sha256", 32)]
    [InlineData("sha512", 64)]
    public void CreateHash_hashes_incrementally_with_the_digest_algorithm(string algorithm, int hashBytes)
    {
        var content = Encoding.UTF8.GetBytes(new string('z', 10_000));
        var expected = Digest.Compute(content, algorithm);
        using var hash = expected.CreateHash();
        for (int i = 0; i < content.Length; i += 777) hash.AppendData(content.AsSpan(i, Math.Min(777, content.Length - i)));
        var bytes = hash.GetHashAndReset();
        Assert.Equal(hashBytes, bytes.Length);
        Assert.Equal(expected, Digest.FromHash(algorithm, bytes));
        using var fresh = Digest.CreateHash(algorithm);
        Assert.Equal(hashBytes, fresh.HashLengthInBytes);
    }

    [Fact]
    public void Equal_digests_are_equal_values()
    {
        var a = Digest.Parse(EmptySha256);
        var b = Digest.Compute([]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Digest.Compute([], Digest.Sha512));
        Assert.Single(new HashSet<Digest> { a, b });
    }
}

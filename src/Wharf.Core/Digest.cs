using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Wharf.Core;

/// <summary>
/// A content digest, <c>algorithm:hex</c>. Only the algorithms the image spec registers are accepted
/// (sha256 required, sha512 allowed), with strict lowercase hex of the algorithm's exact length, so two
/// spellings of one digest can never name two blobs.
/// </summary>
public readonly record struct Digest
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    public string Algorithm { get; }
    public string Hex { get; }

    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public override string ToString() => Algorithm + ":" + Hex;

    public static Digest Parse(string value) =>
        TryParse(value, out var digest) ? digest : throw new FormatException($"invalid digest '{value}'");

    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
    {
        digest = default;
        if (value is null) return false;
        int colon = value.IndexOf(':');
        if (colon <= 0) return false;
        var algorithm = value[..colon];
        var hex = value[(colon + 1)..];
        int expected = HexLength(algorithm);
        if (expected == 0 || hex.Length != expected) return false;
        foreach (char c in hex)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f')) return false;
        }
        digest = new Digest(algorithm == Sha256 ? Sha256 : Sha512, hex);
        return true;
    }

    /// <summary>True when the algorithm is one the registry can verify.</summary>
    public static bool IsSupportedAlgorithm(string algorithm) => HexLength(algorithm) != 0;

    private static int HexLength(string algorithm) => algorithm switch
    {
        Sha256 => 64,
        Sha512 => 128,
        _ => 0,
    };

    /// <exception cref="ArgumentException">The algorithm is unsupported or the hash has the wrong length.</exception>
    public static Digest FromHash(string algorithm, ReadOnlySpan<byte> hash)
    {
        var name = Supported(algorithm);
        if (hash.Length * 2 != HexLength(name))
            throw new ArgumentException($"a {name} hash is {HexLength(name) / 2} bytes, not {hash.Length}", nameof(hash));
        return new(name, Convert.ToHexStringLower(hash));
    }

    /// <exception cref="ArgumentException">The algorithm is unsupported.</exception>
    public static Digest Compute(ReadOnlySpan<byte> content, string algorithm = Sha256) =>
        Supported(algorithm) == Sha512
            ? FromHash(Sha512, SHA512.HashData(content))
            : FromHash(Sha256, SHA256.HashData(content));

    /// <summary>A fresh incremental hash for this digest's algorithm.</summary>
    public IncrementalHash CreateHash() => CreateHash(Algorithm);

    /// <exception cref="ArgumentException">The algorithm is unsupported.</exception>
    public static IncrementalHash CreateHash(string algorithm) =>
        IncrementalHash.CreateHash(Supported(algorithm) == Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

    // Never fall back to another algorithm: a digest labelled with one algorithm but hashed with another is a lie.
    private static string Supported(string algorithm) => algorithm switch
    {
        Sha256 => Sha256,
        Sha512 => Sha512,
        _ => throw new ArgumentException($"unsupported digest algorithm '{algorithm}'", nameof(algorithm)),
    };

    /// <summary>True when <paramref name="content"/> hashes to this digest.</summary>
    public bool Matches(ReadOnlySpan<byte> content) => Compute(content, Algorithm) == this;
}

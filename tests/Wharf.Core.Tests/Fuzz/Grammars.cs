using CsCheck;

namespace Wharf.Core.Tests.Fuzz;

/// <summary>
/// Generators for the distribution spec's grammars, and plain recognisers written from the spec's text (no regex),
/// so the fuzz tests compare two independent readings of one grammar.
/// </summary>
internal static class Grammars
{
    private const string Lower = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string TagChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";

    /// <summary>Characters a fuzzed name or tag is built from: every grammar's alphabet and its near misses.</summary>
    public const string Edgy = "ab09Z._-/:@+ \n\t\u00e9\u0130%";

    /// <summary>The path segments of the /v2 routes, as repository components, to try to confuse the route table.</summary>
    public static readonly string[] RouteWords = ["blobs", "uploads", "manifests", "tags", "list", "referrers", "_catalog"];

    public static readonly Gen<string> AlnumRuns = Gen.Char[Lower].Array[1, 6].Select(c => new string(c));

    public static readonly Gen<string> Components = Gen.Select(
        AlnumRuns,
        Gen.Select(Gen.OneOf(".", "_", "__", "-", "--", "---"), AlnumRuns, (separator, run) => separator + run).Array[0, 3],
        (first, rest) => first + string.Concat(rest));

    public static readonly Gen<string> Names =
        Gen.Frequency((4, Components), (1, Gen.OneOf(RouteWords[..6]))).Array[1, 4].Select(parts => string.Join('/', parts));

    public static readonly Gen<string> Tags = Gen.Select(
        Gen.Char[TagChars[..^2]], Gen.Char[TagChars].Array[0, 127], (first, rest) => first + new string(rest));

    public static readonly Gen<Digest> Digests = Gen.Select(Gen.Byte.Array[0, 64], Gen.Bool,
        (content, sha512) => Core.Digest.Compute(content, sha512 ? Core.Digest.Sha512 : Core.Digest.Sha256));

    /// <summary>Any short string over <see cref="Edgy"/>, or fully random text.</summary>
    public static readonly Gen<string> Noise = Gen.Frequency(
        (3, Gen.Char[Edgy].Array[0, 40].Select(c => new string(c))),
        (1, Gen.String));

    /// <summary>A valid string with one edit: a character replaced, inserted or removed, a case change, or a cut.</summary>
    public static Gen<string> Mutated(Gen<string> valid) =>
        Gen.Select(valid, Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Char[Edgy], (s, edit, at, c) =>
        {
            int i = at % (s.Length + 1);
            return edit switch
            {
                0 when s.Length > 0 => s.Remove(Math.Min(i, s.Length - 1), 1).Insert(Math.Min(i, s.Length - 1), c.ToString()),
                1 => s.Insert(i, c.ToString()),
                2 when s.Length > 0 => s.Remove(Math.Min(i, s.Length - 1), 1),
                3 => s.ToUpperInvariant(),
                _ => s[..i],
            };
        });

    /// <summary>path-component ("/" path-component)*, each [a-z0-9]+ joined by ".", "_", "__" or "-"+; at most 255.</summary>
    public static bool IsName(string s)
    {
        if (s.Length is 0 or > 255) return false;
        foreach (var component in s.Split('/'))
        {
            int i = 0;
            if (!AlnumRun(component, ref i)) return false;
            while (i < component.Length)
            {
                char c = component[i];
                if (c == '.') i++;
                else if (c == '_') i += i + 1 < component.Length && component[i + 1] == '_' ? 2 : 1;
                else if (c == '-') while (i < component.Length && component[i] == '-') i++;
                else return false;
                if (!AlnumRun(component, ref i)) return false;
            }
        }
        return true;
    }

    /// <summary>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}.</summary>
    public static bool IsTag(string s) =>
        s.Length is > 0 and <= 128 && TagChars[..^2].Contains(s[0]) && s.All(TagChars.Contains);

    /// <summary>sha256 with 64 or sha512 with 128 lowercase hex digits (the registered algorithms only).</summary>
    public static bool IsDigest(string s)
    {
        int colon = s.IndexOf(':');
        if (colon < 0) return false;
        int length = s[..colon] switch { "sha256" => 64, "sha512" => 128, _ => -1 };
        var hex = s[(colon + 1)..];
        return hex.Length == length && hex.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
    }

    private static bool AlnumRun(string s, ref int i)
    {
        int start = i;
        while (i < s.Length && Lower.Contains(s[i])) i++;
        return i > start;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Wharf.Core;

/// <summary>The distribution spec's grammars for repository names and tags.</summary>
public static partial class Reference
{
    public const int MaxNameLength = 255;

    // path-component ( "/" path-component )*, each component [a-z0-9]+ joined by ".", "_", "__" or "-"+.
    // \z, not $: "$" also matches before a final "\n", which would let "name\n" through.
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagRegex();

    public static bool IsValidName([NotNullWhen(true)] string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && NameRegex().IsMatch(name);

    public static bool IsValidTag([NotNullWhen(true)] string? tag) => tag is not null && TagRegex().IsMatch(tag);

    /// <summary>The namespace of a repository: its first path component.</summary>
    public static string Namespace(string name)
    {
        int slash = name.IndexOf('/');
        return slash < 0 ? name : name[..slash];
    }
}

/// <summary>A manifest reference: a tag or a digest.</summary>
public readonly record struct ManifestReference(string? Tag, Digest? Digest)
{
    public bool IsDigest => Digest is not null;

    public override string ToString() => Tag ?? Digest!.Value.ToString();

    public static bool TryParse(string value, out ManifestReference reference)
    {
        reference = default;
        if (value.Contains(':'))
        {
            if (!Core.Digest.TryParse(value, out var digest)) return false;
            reference = new ManifestReference(null, digest);
            return true;
        }
        if (!Reference.IsValidTag(value)) return false;
        reference = new ManifestReference(value, null);
        return true;
    }
}

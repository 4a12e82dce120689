namespace Wharf.Core.Policy;

/// <summary>
/// A tag pattern of a versioning policy: a glob over the tag (<c>*</c> any run of characters, <c>?</c> one
/// character, case-sensitive like tags), or the keyword <c>semver</c> for every tag that reads as a semantic
/// version (<see cref="SemanticVersion"/>).
/// </summary>
public static class TagPattern
{
    public const string Semver = "semver";

    /// <summary>Why <paramref name="pattern"/> is not a pattern, or null when it is one.</summary>
    public static string? Problem(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern)) return "a tag pattern must not be empty";
        if (pattern == Semver) return null;
        if (pattern.Length > 128) return $"tag pattern '{pattern}' is longer than a tag can be (128)";
        foreach (char ch in pattern)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' or '*' or '?'))
                return $"tag pattern '{pattern}' has '{ch}': use tag characters [A-Za-z0-9_.-] and the wildcards * and ?";
        }
        return null;
    }

    public static bool Matches(string pattern, string tag) =>
        pattern == Semver ? SemanticVersion.TryParse(tag, out _) : Glob(pattern, tag);

    // Iterative glob with one backtrack point: linear in practice, no regex, no recursion on hostile patterns.
    private static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}

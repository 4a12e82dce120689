namespace Wharf.Client.ModelPack;

/// <summary>
/// Checks a file path taken from a manifest before anything is written: relative, '/'-separated, no '..', no '.',
/// no empty segment, no drive or backslash, no control characters; and the resolved path stays inside the target
/// directory without passing through a symbolic link.
/// </summary>
public static class SafePaths
{
    /// <summary>The absolute path to write, or an explanation of why the manifest's path is refused.</summary>
    public static (string? Path, string? Problem) Resolve(string root, string relative)
    {
        if (string.IsNullOrEmpty(relative)) return (null, "an empty file path");
        if (relative.Length > 4096) return (null, "a file path over 4096 characters");
        if (relative.StartsWith('/') || relative.Contains('\\') || (relative.Length > 1 && relative[1] == ':'))
            return (null, $"'{Printable(relative)}' is absolute or not '/'-separated");
        if (relative.Any(char.IsControl)) return (null, $"'{Printable(relative)}' contains control characters");
        foreach (string segment in relative.Split('/'))
        {
            if (segment is "" or "." or "..") return (null, $"'{Printable(relative)}' has a '{segment}' segment");
        }
        string fullRoot = Path.GetFullPath(root);
        string full = Path.GetFullPath(Path.Combine(fullRoot, relative));
        string prefix = fullRoot.EndsWith(Path.DirectorySeparatorChar) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal)) return (null, $"'{Printable(relative)}' resolves outside {root}");
        // An existing link inside the directory could still lead the write elsewhere.
        for (var dir = Path.GetDirectoryName(full); dir is not null && dir.Length > fullRoot.Length; dir = Path.GetDirectoryName(dir))
        {
            if (new DirectoryInfo(dir) is { Exists: true, LinkTarget: not null }) return (null, $"'{Printable(relative)}' passes through the symbolic link {dir}");
        }
        if (new FileInfo(full) is { Exists: true, LinkTarget: not null }) return (null, $"'{Printable(relative)}' is a symbolic link in {root}");
        return (full, null);
    }

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

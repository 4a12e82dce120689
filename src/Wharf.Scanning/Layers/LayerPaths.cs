namespace Wharf.Scanning.Layers;

/// <summary>Path rules of image layers: normalisation, whiteout markers, and "is this under that directory".</summary>
public static class LayerPaths
{
    public const string WhiteoutPrefix = ".wh.";
    public const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>
    /// The image-root-relative form of a tar name: "./usr//lib/" becomes "usr/lib". Names with ".." that climb out
    /// of the root give null: no runtime would place them inside the image, so the inventory must not either.
    /// </summary>
    public static string? Normalize(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    /// <summary>Reads a whiteout marker: the path it removes, or for an opaque marker the directory it empties.</summary>
    public static (LayerEntryKind Kind, string Target)? Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        var dir = slash >= 0 ? path[..slash] : "";
        var name = slash >= 0 ? path[(slash + 1)..] : path;
        if (name == OpaqueMarker) return (LayerEntryKind.OpaqueDirectory, dir);
        if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal) && name.Length > WhiteoutPrefix.Length)
            return (LayerEntryKind.Whiteout, dir.Length == 0 ? name[WhiteoutPrefix.Length..] : $"{dir}/{name[WhiteoutPrefix.Length..]}");
        return null;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="dir"/> itself or lies below it ("" is the root).</summary>
    public static bool IsAtOrUnder(string path, string dir) =>
        dir.Length == 0 || path == dir || (path.Length > dir.Length && path[dir.Length] == '/' && path.StartsWith(dir, StringComparison.Ordinal));

    /// <summary>True when <paramref name="path"/> lies strictly below <paramref name="dir"/>.</summary>
    public static bool IsUnder(string path, string dir) => path != dir && IsAtOrUnder(path, dir);
}

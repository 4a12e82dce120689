namespace Wharf.Scanning.Layers;

/// <summary>What a layer entry is. Whiteouts are reported as their own kinds, already resolved to the path they hide.</summary>
public enum LayerEntryKind
{
    File,
    Directory,
    Symlink,
    HardLink,
    /// <summary>"dir/.wh.NAME": removes dir/NAME (and all below it) from the layers beneath.</summary>
    Whiteout,
    /// <summary>"dir/.wh..wh..opq": hides everything the layers beneath put in dir; the dir itself stays.</summary>
    OpaqueDirectory,
    /// <summary>Devices, FIFOs and the like: nothing to read, but they do replace what was at the path.</summary>
    Other,
}

/// <summary>
/// One entry of a layer, as the forward-only reader reaches it. <see cref="Path"/> is relative to the image root,
/// without a leading "./" or "/". <see cref="Content"/> is valid only until the next entry is requested: the reader
/// does not buffer entries, so whoever wants the bytes reads them now (or lets the reader skip them).
/// </summary>
public sealed record LayerEntry(string Path, LayerEntryKind Kind, long Size, string? LinkTarget, Stream Content)
{
    /// <summary>Size when the layer does not say it (a raw compressed layer is not decompressed to find out).</summary>
    public const long UnknownSize = -1;
}

namespace Wharf.Scanning.Layers;

/// <summary>
/// What a scan found at image paths, kept with the layer each came from, with the union-filesystem rules applied as
/// the layers go by in order: a whiteout removes a path and all below it from lower layers, an opaque directory
/// removes everything below it from lower layers, and a file, symlink or device at a path replaces what was there
/// (and, for a former directory, all below it). Only paths the caller chose to <see cref="Set"/> are held, so memory
/// follows what was found, not the number of files in the image. Paths are kept sorted so "everything below a
/// directory" is a range lookup, not a scan, even for images with many findings.
/// </summary>
public sealed class LayerOverlay<T>
{
    private readonly Dictionary<string, (int Layer, T Value)> _items = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _paths = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    /// <summary>Applies the removal rules of one entry of layer <paramref name="layer"/> (0 = bottom).</summary>
    /// <param name="keepLinkedAt">For hard links: whether the value found at the link's target also belongs at its new path.</param>
    public void Apply(int layer, LayerEntry entry, Func<string, bool>? keepLinkedAt = null)
    {
        switch (entry.Kind)
        {
            case LayerEntryKind.Whiteout:
                RemoveBelow(entry.Path, layer, includeSelf: true);
                break;
            case LayerEntryKind.OpaqueDirectory:
                RemoveBelow(entry.Path, layer, includeSelf: false);
                break;
            case LayerEntryKind.Directory:
                // A directory where a file was replaces the file; a directory over a directory merges.
                Remove(entry.Path);
                break;
            case LayerEntryKind.HardLink:
                RemoveBelow(entry.Path, int.MaxValue, includeSelf: true);
                if (entry.LinkTarget is { } target && _items.TryGetValue(target, out var linked) && (keepLinkedAt?.Invoke(entry.Path) ?? true))
                    Set(layer, entry.Path, linked.Value);
                break;
            default:
                RemoveBelow(entry.Path, int.MaxValue, includeSelf: true);
                break;
        }
    }

    public void Set(int layer, string path, T value)
    {
        _items[path] = (layer, value);
        _paths.Add(path);
    }

    public bool TryGet(string path, out T value)
    {
        var found = _items.TryGetValue(path, out var item);
        value = item.Value;
        return found;
    }

    /// <summary>The layer index a path's value came from, or -1.</summary>
    public int LayerOf(string path) => _items.TryGetValue(path, out var item) ? item.Layer : -1;

    /// <summary>What is visible now, in path order.</summary>
    public IEnumerable<(string Path, T Value)> Items => _paths.Select(p => (p, _items[p].Value));

    private void Remove(string path)
    {
        if (_items.Remove(path)) _paths.Remove(path);
    }

    // Removes entries from layers below `layer` at `dir` (if includeSelf) and under "dir/". '0' follows '/' in ordinal
    // order, so [dir + "/", dir + "0") is exactly the set of paths below dir.
    private void RemoveBelow(string dir, int layer, bool includeSelf)
    {
        if (includeSelf && _items.TryGetValue(dir, out var self) && self.Layer < layer) Remove(dir);
        if (_paths.Count == 0) return;
        var below = dir.Length == 0 ? _paths.ToList() : _paths.GetViewBetween(dir + "/", dir + "0").ToList();
        foreach (var path in below)
            if (_items[path].Layer < layer && path != dir) Remove(path);
    }
}

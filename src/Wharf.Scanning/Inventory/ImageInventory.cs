using System.Text;
using Wharf.Core;
using Wharf.Scanning.Layers;

namespace Wharf.Scanning.Inventory;

/// <summary>
/// The packages an image holds, read layer by layer in order. Each package database file found is parsed at once and
/// kept in a <see cref="LayerOverlay{T}"/> under its path with the layer it came from, so a later layer's file at the
/// same path replaces it and a whiteout or opaque directory removes it: what is reported is what a container started
/// from the image would see. Files that are not package databases are skipped unread, or handed to
/// <c>visitFile</c> (the model-file scanner plugs in there, on the same single pass over the layers).
/// </summary>
public static class ImageInventory
{
    /// <summary>A database file's contribution: its kind, the layer that wrote it, and what it lists.</summary>
    public sealed record Found(string LayerDigest, InventoryFileKind Kind, IReadOnlyList<PackageRecord> Records, OsRelease? OsRelease);

    /// <summary>
    /// Reads the layers (bottom first), each opened when its turn comes and disposed after. <paramref name="visitFile"/>
    /// sees every other regular file (layer index, layer, entry), with a content stream valid until it returns.
    /// </summary>
    public static async Task<ImageInventoryResult> ReadAsync(
        IReadOnlyList<(Descriptor Layer, Func<CancellationToken, Task<Stream>> Open)> layers, CancellationToken ct,
        Func<int, Descriptor, LayerEntry, CancellationToken, ValueTask>? visitFile = null)
    {
        var overlay = new LayerOverlay<Found>();
        for (var index = 0; index < layers.Count; index++)
        {
            var (layer, open) = layers[index];
            await using var blob = await open(ct).ConfigureAwait(false);
            await foreach (var entry in LayerReader.ReadAsync(blob, layer, ct).ConfigureAwait(false))
            {
                // Hard links carry a database over only to a path that is itself a database path (not status-old).
                overlay.Apply(index, entry, p => InventoryPaths.Classify(p) != InventoryFileKind.None);
                if (entry.Kind != LayerEntryKind.File) continue;
                var kind = InventoryPaths.Classify(entry.Path);
                if (kind == InventoryFileKind.None)
                {
                    if (visitFile is not null) await visitFile(index, layer, entry, ct).ConfigureAwait(false);
                    continue;
                }
                var text = await ReadTextAsync(entry.Content, InventoryPaths.Limit(kind), ct).ConfigureAwait(false);
                overlay.Set(index, entry.Path, Parse(kind, text, layer.Digest.ToString()));
            }
        }
        return Build(overlay);
    }

    public static Found Parse(InventoryFileKind kind, string text, string digest) => kind switch
    {
        InventoryFileKind.DpkgStatus or InventoryFileKind.DpkgStatusD => new(digest, kind, PackageDatabaseParsers.Dpkg(text).ToList(), null),
        InventoryFileKind.ApkInstalled => new(digest, kind, PackageDatabaseParsers.Apk(text).ToList(), null),
        InventoryFileKind.PythonMetadata => new(digest, kind, PackageDatabaseParsers.PythonMetadata(text) is { } p ? [p] : [], null),
        _ => new(digest, kind, [], OsRelease.Parse(text)),
    };
    private static async Task<string> ReadTextAsync(Stream content, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while (buffer.Length < limit && (n = await content.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), ct).ConfigureAwait(false)) > 0)
            buffer.Write(chunk, 0, n);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static ImageInventoryResult Build(LayerOverlay<Found> found)
    {
        // etc/os-release is usually a symlink to ../usr/lib/os-release; symlinks are not followed, so take either.
        var os = (found.TryGet("etc/os-release", out var etc) ? etc : found.TryGet("usr/lib/os-release", out var usr) ? usr : null)?.OsRelease;
        var vendor = os?.Id ?? "debian";
        var packages = new List<InstalledPackage>();
        foreach (var (path, f) in found.Items)
        {
            foreach (var r in f.Records)
            {
                packages.Add(f.Kind switch
                {
                    InventoryFileKind.ApkInstalled => new InstalledPackage(PackageEcosystem.Alpine, r.Name, r.Version, r.Architecture,
                        r.SourceName, r.SourceVersion, PackageUrl.Apk(os?.Id ?? "alpine", r.Name, r.Version, r.Architecture, os?.PurlDistro), f.LayerDigest, path),
                    InventoryFileKind.PythonMetadata => new InstalledPackage(PackageEcosystem.PyPI, r.Name, r.Version, null, null, null,
                        PackageUrl.PyPI(r.Name, r.Version), f.LayerDigest, path),
                    _ => new InstalledPackage(PackageEcosystem.Debian, r.Name, r.Version, r.Architecture, r.SourceName, r.SourceVersion,
                        PackageUrl.Deb(vendor, r.Name, r.Version, r.Architecture, os?.PurlDistro), f.LayerDigest, path),
                });
            }
        }
        return new ImageInventoryResult(os, packages);
    }
}

using System.Net;
using Wharf.Core;

namespace Wharf.Client.ModelPack;

public sealed record PullResult(Digest ManifestDigest, int Files, int Downloaded, int AlreadyPresent, long BytesReceived, long TotalBytes);

/// <summary>A manifest whose file layout cannot be written safely; nothing was written.</summary>
public sealed class UnsafeArtifactException(string message) : Exception(message);

/// <summary>
/// <c>wharf pull REF DIR</c>: rebuilds a model directory from a ModelPack (or any artifact whose layers carry
/// <c>org.cncf.model.filepath</c> or <c>org.opencontainers.image.title</c>). Every path is checked before any
/// byte is written; every file is verified against its digest; files already there and correct are kept, and a
/// partial download from an interrupted pull is resumed. A file there with other bytes (edited locally, or another
/// version) is replaced only when <paramref name="overwrite"/> says so, and one pull at a time writes a directory.
/// </summary>
public sealed class ModelPackPuller(OciClient client, ITransferProgress progress, int parallelism = 4, bool overwrite = false)
{
    public async Task<PullResult> PullAsync(ImageReference source, string directory, CancellationToken ct = default)
    {
        var manifest = await client.GetManifestAsync(source.Repository, source.Reference, ct)
            ?? throw new RegistryException(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN", $"{source} does not exist");
        if (manifest.Parsed.IsIndex)
            throw new UnsafeArtifactException($"{source} is an image index, not a model artifact; pull one of its manifests by digest");

        var plan = Plan(manifest.Parsed.Layers, directory);
        Directory.CreateDirectory(directory);
        using var held = PullLock.Acquire(directory);
        // Checked once, before any byte is written; the files found correct here are not hashed again below.
        var verified = new HashSet<string>(StringComparer.Ordinal);
        if (!overwrite)
        {
            var differing = new List<string>();
            foreach (var item in plan.Where(p => File.Exists(p.Path)))
            {
                if (await IsPresentAsync(item.Path, item.Layer, ct)) verified.Add(item.Path);
                else differing.Add(item.Relative);
            }
            if (differing.Count > 0)
                throw new UnsafeArtifactException($"refusing to overwrite {differing.Count} file(s) in {directory} that differ from {source}: "
                    + string.Join(", ", differing.Take(5)) + (differing.Count > 5 ? ", …" : "") + " (edited locally?); give --force to replace them");
        }
        int downloaded = 0, present = 0;
        long received = 0;
        await Parallel.ForEachAsync(plan.OrderByDescending(p => p.Layer.Size), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            async (item, token) =>
            {
                var bar = progress.Start(item.Relative, item.Layer.Size);
                Directory.CreateDirectory(Path.GetDirectoryName(item.Path)!);
                // Checked again now that directories exist: a link could have appeared in between.
                if (SafePaths.Resolve(directory, item.Relative).Problem is { } problem) throw new UnsafeArtifactException(problem);
                if (verified.Contains(item.Path) || (overwrite && await IsPresentAsync(item.Path, item.Layer, token)))
                {
                    Interlocked.Increment(ref present);
                    bar.Advance(item.Layer.Size);
                    bar.Complete("present");
                    return;
                }
                long n = await client.DownloadBlobAsync(source.Repository, item.Layer, item.Path, bar.Advance, token);
                Interlocked.Add(ref received, n);
                Interlocked.Increment(ref downloaded);
                bar.Complete("verified");
            });
        return new PullResult(manifest.Digest, plan.Count, downloaded, present, received, plan.Sum(p => p.Layer.Size));
    }

    private sealed record PlannedFile(string Relative, string Path, Descriptor Layer);

    /// <summary>Every layer's destination, or every reason the manifest cannot be written safely.</summary>
    private static List<PlannedFile> Plan(IReadOnlyList<Descriptor> layers, string directory)
    {
        var plan = new List<PlannedFile>();
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            string? relative = null;
            if (layer.Annotations?.TryGetValue(AnnotationKeys.ModelFilePath, out var p) == true) relative = p;
            else if (layer.Annotations?.TryGetValue(AnnotationKeys.Title, out var t) == true) relative = t;
            if (relative is null)
            {
                problems.Add($"layer {layer.Digest} has no {AnnotationKeys.ModelFilePath} annotation");
                continue;
            }
            if (IsArchive(layer.MediaType))
            {
                problems.Add($"'{relative}' is an archived layer ({layer.MediaType}); this client writes raw layers only");
                continue;
            }
            var (path, problem) = SafePaths.Resolve(directory, relative);
            if (problem is not null)
            {
                problems.Add(problem);
                continue;
            }
            if (!seen.Add(path!))
            {
                problems.Add($"'{relative}' appears twice");
                continue;
            }
            plan.Add(new PlannedFile(relative, path!, layer));
        }
        if (problems.Count > 0)
            throw new UnsafeArtifactException("refusing to pull: " + string.Join("; ", problems));
        return plan;
    }

    /// <summary>
    /// Tar layers (ModelPack .tar/.tar+gzip/.tar+zstd, KitOps) hold files, not a file: writing their bytes under the
    /// path would give the user an archive where a weight file should be.
    /// </summary>
    private static bool IsArchive(string mediaType) =>
        mediaType.EndsWith(".tar", StringComparison.Ordinal) || mediaType.Contains(".tar+", StringComparison.Ordinal)
        || mediaType.Contains("tar.gzip", StringComparison.Ordinal) || mediaType.Contains(".rootfs.", StringComparison.Ordinal);

    private static async Task<bool> IsPresentAsync(string path, Descriptor layer, CancellationToken ct)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length != layer.Size) return false;
        using var hash = layer.Digest.CreateHash();
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await BlobCopy.HashAsync(stream, hash, ct);
        return Digest.FromHash(layer.Digest.Algorithm, hash.GetHashAndReset()) == layer.Digest;
    }
}

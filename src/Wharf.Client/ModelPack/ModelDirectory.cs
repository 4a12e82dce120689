using Wharf.Core;

namespace Wharf.Client.ModelPack;

/// <summary>One file of a model directory: its '/'-separated relative path, where it is, its size and layer type.</summary>
public sealed record ModelFile(string RelativePath, string FullPath, long Size, string MediaType)
{
    public Digest Digest { get; init; }
}

/// <summary>Lists a model directory in a fixed order and hashes its files.</summary>
public static class ModelDirectory
{
    /// <summary>
    /// Regular files under <paramref name="root"/>, sorted by relative path (ordinal), so the same tree always
    /// gives the same layer order. Hidden entries (name starting with '.') and symbolic links are left out: a link
    /// could point outside the directory, and hidden files are tool state (.git, .cache), not the model. The one
    /// kind of link that is followed is a Hugging Face cache snapshot's (snapshots/REV/FILE → ../../blobs/HASH):
    /// its real files are those blobs, and the link cannot lead anywhere else. A Git LFS pointer is refused: its
    /// bytes are a stand-in, and pushing them would publish a model without weights.
    /// </summary>
    public static IReadOnlyList<ModelFile> Scan(string root)
    {
        var full = Path.GetFullPath(root);
        if (File.Exists(full)) throw new IOException($"'{root}' is a file, not a directory: give the model directory that holds it");
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"model directory '{root}' does not exist");
        var files = new List<ModelFile>();
        string? cacheBlobs = Path.GetDirectoryName(Path.GetDirectoryName(full.TrimEnd(Path.DirectorySeparatorChar))) is { } repo
            && Path.GetFileName(Path.GetDirectoryName(full.TrimEnd(Path.DirectorySeparatorChar))) == "snapshots"
            ? Path.Combine(repo, "blobs") + Path.DirectorySeparatorChar : null;
        Walk(new DirectoryInfo(full), "", files, cacheBlobs);
        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        if (files.Count == 0) throw new InvalidOperationException($"model directory '{root}' has no files to push");
        return files;
    }

    private static void Walk(DirectoryInfo directory, string prefix, List<ModelFile> files, string? cacheBlobs)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (entry.Name.StartsWith('.')) continue;
            string relative = prefix + entry.Name;
            var real = entry;
            if (entry.LinkTarget is not null)
            {
                if (entry is not FileInfo || cacheBlobs is null || entry.ResolveLinkTarget(returnFinalTarget: true) is not FileInfo { Exists: true } target
                    || !target.FullName.StartsWith(cacheBlobs, StringComparison.Ordinal)) continue;
                real = target;
            }
            switch (real)
            {
                case DirectoryInfo sub:
                    Walk(sub, relative + "/", files, cacheBlobs);
                    break;
                case FileInfo file:
                    if (GitLfsPointer.Is(file)) throw new IOException($"{relative} is a Git LFS pointer, not the file itself; run git lfs pull in the model's repository first");
                    files.Add(new ModelFile(relative, file.FullName, file.Length, LayerKinds.MediaTypeFor(relative)));
                    break;
            }
        }
    }

    /// <summary>Hashes every file (at most <paramref name="parallelism"/> at a time); <paramref name="progress"/> gets byte counts.</summary>
    public static async Task<IReadOnlyList<ModelFile>> HashAsync(IReadOnlyList<ModelFile> files, int parallelism, Action<ModelFile, long>? progress, CancellationToken ct)
    {
        var hashed = new ModelFile[files.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            async (i, token) => hashed[i] = files[i] with { Digest = await HashFileAsync(files[i], progress, token) });
        return hashed;
    }

    private static async Task<Digest> HashFileAsync(ModelFile file, Action<ModelFile, long>? progress, CancellationToken ct)
    {
        using var hash = Digest.CreateHash(Digest.Sha256);
        await using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        long total = await BlobCopy.CopyAsync(stream, null, chunk =>
        {
            hash.AppendData(chunk);
            progress?.Invoke(file, chunk.Length);
        }, null, ct);
        if (total != file.Size) throw new IOException($"{file.RelativePath} changed size while it was read ({file.Size} → {total} bytes)");
        return Digest.FromHash(Digest.Sha256, hash.GetHashAndReset());
    }
}

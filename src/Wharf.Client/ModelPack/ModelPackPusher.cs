using Wharf.Client.Transfer;
using Wharf.Core;

namespace Wharf.Client.ModelPack;

/// <summary>What a push did.</summary>
public sealed record PushResult(Digest ManifestDigest, long ManifestSize, int Blobs, int Uploaded, int Existed, int Resumed, long BytesSent, long TotalBytes)
{
    /// <summary>Blobs linked from another repository of the registry instead of uploaded.</summary>
    public int Mounted { get; init; }
}

/// <summary>
/// <c>wharf push DIR REF</c>: packs the directory as a ModelPack artifact and pushes it: blobs the repository
/// already has are skipped (HEAD), blobs another repository has (<paramref name="mountFrom"/>, and the base model's
/// repository on the same registry) are mounted, the others go up in parallel (bounded), an upload left open by an
/// interrupted run is resumed from the registry's offset, and the manifest goes last, once every blob is there.
/// </summary>
public sealed class ModelPackPusher(OciClient client, ITransferProgress progress, int parallelism = 4, string? journalDirectory = null,
    IReadOnlyList<string>? mountFrom = null)
{
    public async Task<PushResult> PushAsync(string directory, ImageReference target, ModelPackOptions options, CancellationToken ct = default)
    {
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, problems));

        var files = ModelDirectory.Scan(directory);
        var hashing = progress.StartPass("hashing files", files.Sum(f => f.Size));
        files = await ModelDirectory.HashAsync(files, Math.Max(1, parallelism / 2), (_, n) => hashing.Advance(n), ct);
        hashing.Complete("hashed");

        var artifact = ModelPackBuilder.Build(files, ModelMetadata.Read(Path.GetFullPath(directory)), options, target.Repository, target.Tag);
        if (target.Digest is { } pinned && pinned != artifact.ManifestDigest)
            throw new ArgumentException($"{directory} packs to {artifact.ManifestDigest}, not the {pinned} the reference names");

        var journal = PushJournal.Open(journalDirectory ?? PushJournal.DefaultDirectory(), client.Registry, target.Repository);
        var blobs = new List<(string Name, Descriptor Descriptor, UploadSource Source)>
        {
            ("config", artifact.ConfigDescriptor, UploadSource.FromBytes(artifact.Config)),
        };
        foreach (var file in files.DistinctBy(f => f.Digest))
            blobs.Add((file.RelativePath, new Descriptor(file.MediaType, file.Digest, file.Size), UploadSource.FromFile(file.FullPath)));

        var sources = MountSources(target, options);
        int uploaded = 0, existed = 0, resumed = 0, mounted = 0;
        long bytesSent = 0;
        // Largest first: the long uploads start early and the small ones fill the gaps.
        var order = blobs.OrderByDescending(b => b.Descriptor.Size).ThenBy(b => b.Name, StringComparer.Ordinal);
        await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (blob, token) =>
        {
            var bar = progress.Start(blob.Name, blob.Descriptor.Size);
            if (sources.Count > 0 && await MountAsync(target.Repository, blob.Descriptor.Digest, sources, token))
            {
                Interlocked.Increment(ref mounted);
                bar.Advance(blob.Descriptor.Size);
                bar.Complete("mounted");
                return;
            }
            if (journal.Find(blob.Descriptor.Digest) is not null) progress.Note($"resuming the upload of {blob.Name}");
            var result = await client.PushBlobAsync(target.Repository, blob.Descriptor, blob.Source, journal, bar.Advance, token);
            Interlocked.Add(ref bytesSent, result.BytesSent);
            if (result.Outcome == BlobPushOutcome.Existed)
            {
                Interlocked.Increment(ref existed);
                bar.Advance(blob.Descriptor.Size);
                bar.Complete("exists");
                return;
            }
            Interlocked.Increment(ref uploaded);
            if (result.ResumedFrom > 0)
            {
                Interlocked.Increment(ref resumed);
                progress.Note($"{blob.Name}: resumed at byte {result.ResumedFrom} of {blob.Descriptor.Size}");
            }
            bar.Complete("uploaded");
        });

        await client.PutManifestAsync(target.Repository, target.Tag ?? artifact.ManifestDigest.ToString(), artifact.Manifest, MediaTypes.OciManifest, ct);
        return new PushResult(artifact.ManifestDigest, artifact.Manifest.Length, blobs.Count, uploaded, existed, resumed, bytesSent,
            blobs.Sum(b => b.Descriptor.Size)) { Mounted = mounted };
    }

    private List<string> MountSources(ImageReference target, ModelPackOptions options)
    {
        var sources = new List<string>(mountFrom ?? []);
        // A fine-tune shares most files with its base: link them instead of sending them again.
        if (options.BaseModel is { } baseModel && ImageReference.TryParse(baseModel, out var parsed, out _) && parsed.Registry == client.Registry)
            sources.Add(parsed.Repository);
        return sources.Where(s => s != target.Repository).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>True when the blob is already in the repository's reach through a mount; false to upload it.</summary>
    private async Task<bool> MountAsync(string repository, Digest digest, List<string> sources, CancellationToken ct)
    {
        if (await client.HeadBlobAsync(repository, digest, ct) is not null) return false; // counted as "exists" by the push
        foreach (string source in sources)
        {
            try
            {
                if (await client.MountBlobAsync(repository, digest, source, ct)) return true;
            }
            catch (RegistryException)
            {
                // Not readable there (or no such repository): try the next source, then upload.
            }
        }
        return false;
    }
}

namespace Wharf.Core.Registry;

/// <summary>
/// A blob as one repository sees it: bytes linked into it (<see cref="Manifest"/> null), or a manifest stored in
/// it, which clients may fetch through /blobs/ too (an index's children, for one).
/// </summary>
public sealed record VisibleBlob(Digest Digest, long Size, ManifestRecord? Manifest);

/// <summary>
/// The read and delete rules for blobs: a blob is visible in a repository only through its link (or as a manifest
/// stored there), however many other repositories hold the same bytes; deleting it removes the link, not the bytes.
/// </summary>
public sealed class BlobService(IMetadataStore metadata, IBlobStore blobs)
{
    /// <summary>What the repository shows under <paramref name="digest"/>, from metadata alone (enough for a HEAD).</summary>
    public async Task<Result<VisibleBlob>> FindAsync(string repository, Digest digest, CancellationToken ct)
    {
        // The link records the size, so the common case never touches the blob store.
        if (await metadata.GetLinkedBlobSizeAsync(repository, digest, ct) is long size) return new VisibleBlob(digest, size, null);
        var manifest = await metadata.GetManifestAsync(repository, digest, ct);
        return manifest is null ? OciErrors.BlobUnknown(digest) : new VisibleBlob(digest, manifest.Size, manifest);
    }

    /// <summary>
    /// The bytes of a linked blob <see cref="FindAsync"/> found. BLOB_UNKNOWN when the store lost them: the link
    /// alone is no content.
    /// </summary>
    public async Task<Result<BlobContent>> OpenAsync(VisibleBlob blob, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var content = await blobs.OpenAsync(blob.Digest, ct);
        return content is null ? OciErrors.BlobUnknown(blob.Digest) : content;
    }

    /// <summary>Hides the blob in this repository; its bytes stay for other repositories and GC. Null when done.</summary>
    public async Task<OciError?> UnlinkAsync(string repository, Digest digest, CancellationToken ct) =>
        await metadata.UnlinkBlobAsync(repository, digest, ct) == DeleteOutcome.NotFound ? OciErrors.BlobUnknown(digest) : null;
}

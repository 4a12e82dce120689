namespace Wharf.Core;

/// <summary>What a blob store knows about one stored blob.</summary>
public sealed record BlobInfo(Digest Digest, long Size);

/// <summary>
/// Bytes to send for a blob read. <see cref="PhysicalPath"/> is set when the bytes are a local file, so the
/// host can hand them to the kernel (sendfile) instead of copying through user space.
/// </summary>
public sealed record BlobContent(long Length, string? PhysicalPath, Func<long, long, CancellationToken, Task<Stream>> OpenRange)
{
    /// <summary>
    /// Set when the store can serve the bytes itself at a short-lived URL (an object store's presigned GET), so
    /// the host may redirect the client there instead of streaming the bytes through.
    /// </summary>
    public Uri? RedirectUri { get; init; }
}

public enum CommitResult
{
    /// <summary>The upload became the blob.</summary>
    Committed,
    /// <summary>The blob already existed; the upload's bytes were dropped (same digest, same bytes).</summary>
    AlreadyExists,
    /// <summary>No such upload.</summary>
    UploadUnknown,
}

/// <summary>
/// Content-addressed bytes: blobs, once per digest for the whole registry, and upload sessions' partial bytes.
/// A dumb store: which repository may see a blob is the metadata store's business, and every rule
/// (hashing, digest checks) lives above it. An implementation must make a committed blob durable before
/// <see cref="CommitUploadAsync"/> returns.
/// </summary>
public interface IBlobStore
{
    Task<BlobInfo?> StatAsync(Digest digest, CancellationToken ct);

    /// <summary>The blob's bytes, or null when it is not stored.</summary>
    Task<BlobContent?> OpenAsync(Digest digest, CancellationToken ct);

    /// <summary>Removes a blob. True when it existed.</summary>
    Task<bool> DeleteAsync(Digest digest, CancellationToken ct);

    /// <summary>Creates the empty byte store of a new upload session.</summary>
    Task CreateUploadAsync(string uploadId, CancellationToken ct);

    /// <summary>Bytes received so far for an upload, or null when the upload does not exist.</summary>
    Task<long?> GetUploadSizeAsync(string uploadId, CancellationToken ct);

    /// <summary>
    /// Appends <paramref name="data"/> at <paramref name="offset"/>, which must equal the upload's current size.
    /// <paramref name="observe"/> sees every chunk in order as it is written, so a caller hashes in the same pass.
    /// Returns the new size, or null when the upload does not exist.
    /// </summary>
    Task<long?> AppendUploadAsync(string uploadId, long offset, Stream data, Action<ReadOnlySpan<byte>>? observe, CancellationToken ct);

    /// <summary>Reads an upload's bytes from the start (to rebuild hash state on a node that lacks it).</summary>
    Task<Stream?> OpenUploadAsync(string uploadId, CancellationToken ct);

    /// <summary>Makes the upload's bytes the blob <paramref name="digest"/>, durably. The caller has verified the digest.</summary>
    Task<CommitResult> CommitUploadAsync(string uploadId, Digest digest, CancellationToken ct);

    /// <summary>Discards an upload's bytes. True when it existed.</summary>
    Task<bool> DeleteUploadAsync(string uploadId, CancellationToken ct);
}

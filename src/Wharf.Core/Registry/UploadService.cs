using System.Security.Cryptography;

namespace Wharf.Core.Registry;

/// <summary>Where an upload session stands: the bytes received so far.</summary>
public sealed record UploadStatus(string Id, string Repository, long Size);

/// <summary>
/// The push rules for blobs: sessions, chunks in order, a digest verified over every byte before the blob is
/// committed durably and only then linked into the repository. Stores stay dumb; these rules live here once.
/// </summary>
public sealed class UploadService(
    IBlobStore blobs,
    IMetadataStore metadata,
    UploadHashes hashes,
    UploadLeases leases,
    RegistryLimits limits,
    TimeProvider time)
{
    public async Task<UploadSession> StartAsync(string repository, CancellationToken ct)
    {
        string id = BlobLayout.NewUploadId();
        await blobs.CreateUploadAsync(id, ct);
        // Stamped once its bytes' home exists: a slow object store must not make a session born idle.
        var now = time.GetUtcNow();
        var session = new UploadSession(id, repository, now, now);
        await metadata.CreateUploadAsync(session, ct);
        return session;
    }

    public async Task<Result<UploadStatus>> StatusAsync(string repository, string id, CancellationToken ct)
    {
        var session = await FindAsync(repository, id, ct);
        if (session is null) return OciErrors.UploadUnknown();
        var size = await blobs.GetUploadSizeAsync(id, ct);
        return size is null ? OciErrors.UploadUnknown() : new UploadStatus(id, repository, size.Value);
    }

    /// <summary>
    /// Appends a chunk. <paramref name="start"/> is the chunk's first offset when the client said it
    /// (Content-Range); it must be exactly where the session stands, else the chunk is out of order (416).
    /// </summary>
    public async Task<Result<UploadStatus>> AppendAsync(string repository, string id, long? start, Stream body, CancellationToken ct)
    {
        var state = hashes.Get(id);
        await state.Lock.WaitAsync(ct);
        try
        {
            await using var turn = await leases.AcquireAsync(id, UploadLeases.Wait, ct);
            if (turn is null) return Busy(id);
            return await AppendLockedAsync(repository, id, start, body, state, turn.Token);
        }
        finally
        {
            state.Lock.Release();
        }
    }

    /// <summary>Appends an optional last chunk, verifies the digest over all bytes, commits and links the blob.</summary>
    public async Task<Result<BlobInfo>> CompleteAsync(string repository, string id, Digest digest, long? start, Stream? lastChunk, CancellationToken ct)
    {
        var state = hashes.Get(id);
        await state.Lock.WaitAsync(ct);
        try
        {
            await using var turn = await leases.AcquireAsync(id, UploadLeases.Wait, ct);
            if (turn is null) return Busy(id);
            ct = turn.Token;
            var appended = await AppendLockedAsync(repository, id, start, lastChunk ?? Stream.Null, state, ct);
            if (!appended.Ok) return appended.Error;
            long size = appended.Value.Size;

            var actual = await CurrentDigestAsync(id, digest.Algorithm, state, ct);
            if (actual != digest)
            {
                await DiscardAsync(id, ct);
                return OciErrors.DigestInvalid($"provided digest {digest} does not match the uploaded content ({actual})");
            }

            var committed = await blobs.CommitUploadAsync(id, digest, ct);
            if (committed == CommitResult.UploadUnknown) return OciErrors.UploadUnknown();
            // Durable before visible: the bytes are committed (flushed and renamed) before the link makes them visible.
            await metadata.LinkBlobAsync(repository, digest, size, ct);
            await metadata.DeleteUploadAsync(id, ct);
            hashes.Forget(id);
            return new BlobInfo(digest, size);
        }
        finally
        {
            state.Lock.Release();
        }
    }

    /// <summary>A whole blob in one request: a session that starts and completes at once.</summary>
    public async Task<Result<BlobInfo>> PutMonolithicAsync(string repository, Digest digest, Stream body, CancellationToken ct)
    {
        var session = await StartAsync(repository, ct);
        var result = await CompleteAsync(repository, session.Id, digest, null, body, ct);
        if (!result.Ok) await DiscardAsync(session.Id, CancellationToken.None);
        return result;
    }

    public async Task<bool> CancelAsync(string repository, string id, CancellationToken ct)
    {
        var session = await FindAsync(repository, id, ct);
        if (session is null) return false;
        await DiscardAsync(id, ct);
        return true;
    }

    /// <summary>
    /// Links a blob another repository already has. Null when it is not mountable (the caller then starts a
    /// plain session, as the spec asks).
    /// </summary>
    public async Task<BlobInfo?> MountAsync(string repository, string from, Digest digest, CancellationToken ct)
    {
        if (!Reference.IsValidName(from)) return null;
        var size = await metadata.GetLinkedBlobSizeAsync(from, digest, ct);
        if (size is null) return null;
        var stored = await blobs.StatAsync(digest, ct);
        if (stored is null) return null;
        await metadata.LinkBlobAsync(repository, digest, stored.Size, ct);
        return stored;
    }

    /// <summary>
    /// Expires an idle session: its bytes and row go. A session whose request is running on this node is not
    /// idle (its keep-alive may just be late), so it is left alone. False when left alone.
    /// </summary>
    public async Task<bool> ExpireAsync(string id, CancellationToken ct)
    {
        var state = hashes.Get(id);
        if (!await state.Lock.WaitAsync(0, ct)) return false;
        try
        {
            // Nor is one whose request runs on another node.
            await using var turn = await leases.AcquireAsync(id, TimeSpan.Zero, ct);
            if (turn is null) return false;
            await DiscardAsync(id, ct);
            return true;
        }
        finally
        {
            state.Lock.Release();
        }
    }

    /// <summary>Removes a session's bytes and row (failed pushes and cancels use this).</summary>
    public async Task DiscardAsync(string id, CancellationToken ct)
    {
        hashes.Forget(id);
        await blobs.DeleteUploadAsync(id, ct);
        await metadata.DeleteUploadAsync(id, ct);
    }

    private static OciError Busy(string id) =>
        new(OciErrorCode.TooManyRequests, $"upload {id} is busy with another request; retry once it has finished");

    private async Task<Result<UploadStatus>> AppendLockedAsync(string repository, string id, long? start, Stream body, UploadHashState state, CancellationToken ct)
    {
        var session = await FindAsync(repository, id, ct);
        if (session is null) return OciErrors.UploadUnknown();
        var size = await blobs.GetUploadSizeAsync(id, ct);
        if (size is null) return OciErrors.UploadUnknown();
        if (start is not null && start != size)
            return new OciError(OciErrorCode.RangeInvalid, $"chunk starts at {start} but the upload has {size} bytes", new { size });

        if (state.Hash is null || state.Offset != size)
            state.Set(await HashStoredAsync(id, Digest.Sha256, ct), size.Value);

        var hash = state.Hash!;
        long max = limits.MaxBlobBytes, received = size.Value;
        long? newSize;
        // A body may stream for longer than the idle timeout; the session is not idle while it does.
        await using var keepAlive = new SessionKeepAlive(metadata, time, id, limits.UploadIdleTimeout / 3);
        try
        {
            newSize = await blobs.AppendUploadAsync(id, size.Value, body, chunk =>
            {
                received += chunk.Length;
                if (max > 0 && received > max) throw new BlobTooLargeException();
                hash.AppendData(chunk);
            }, ct);
        }
        catch (BlobTooLargeException)
        {
            await DiscardAsync(id, CancellationToken.None);
            return new OciError(OciErrorCode.SizeInvalid, $"blob exceeds the registry's limit of {max} bytes", new { limit = max });
        }
        catch
        {
            // A broken chunk may have left bytes the hash did not see (or the reverse); rebuild on next use.
            state.Reset();
            throw;
        }
        if (newSize is null) return OciErrors.UploadUnknown();
        state.Advance(newSize.Value);
        await metadata.TouchUploadAsync(id, time.GetUtcNow(), ct);
        return new UploadStatus(id, repository, newSize.Value);
    }

    private async Task<Digest> CurrentDigestAsync(string id, string algorithm, UploadHashState state, CancellationToken ct)
    {
        if (algorithm == Digest.Sha256 && state.Hash is not null)
            return Digest.FromHash(Digest.Sha256, state.Hash.GetCurrentHash());
        using var hash = await HashStoredAsync(id, algorithm, ct);
        return Digest.FromHash(algorithm, hash.GetCurrentHash());
    }

    /// <summary>The slow, correct path: hash the bytes already stored for a session.</summary>
    private async Task<IncrementalHash> HashStoredAsync(string id, string algorithm, CancellationToken ct)
    {
        var hash = Digest.CreateHash(algorithm);
        await using var stored = await blobs.OpenUploadAsync(id, ct);
        if (stored is null) return hash;
        await BlobCopy.HashAsync(stored, hash, ct);
        return hash;
    }

    private async Task<UploadSession?> FindAsync(string repository, string id, CancellationToken ct)
    {
        var session = await metadata.GetUploadAsync(id, ct);
        return session is not null && session.Repository == repository ? session : null;
    }

    private sealed class BlobTooLargeException : Exception;
}

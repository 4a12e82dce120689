using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Wharf.Core.Registry;

/// <summary>
/// The running hash of each upload session this node has seen, so a chunk is hashed once, as it streams in.
/// It is a cache, never the truth: the bytes in the blob store are, and a node that lacks the state (or holds
/// a stale one) rebuilds it by hashing the stored bytes. Each entry also serialises the requests of its session.
/// </summary>
public sealed class UploadHashes
{
    private readonly ConcurrentDictionary<string, UploadHashState> _states = new(StringComparer.Ordinal);

    public UploadHashState Get(string uploadId) => _states.GetOrAdd(uploadId, _ => new UploadHashState());

    public void Forget(string uploadId)
    {
        if (_states.TryRemove(uploadId, out var state)) state.Reset();
    }
}

/// <summary>One session's hash and the offset it covers. Callers hold <see cref="Lock"/> while using it.</summary>
public sealed class UploadHashState
{
    public SemaphoreSlim Lock { get; } = new(1, 1);

    /// <summary>SHA-256 of the first <see cref="Offset"/> bytes, or null when not known on this node.</summary>
    public IncrementalHash? Hash { get; private set; }

    public long Offset { get; private set; }

    public void Set(IncrementalHash hash, long offset)
    {
        if (!ReferenceEquals(Hash, hash)) Hash?.Dispose();
        Hash = hash;
        Offset = offset;
    }

    public void Advance(long offset) => Offset = offset;

    public void Reset()
    {
        Hash?.Dispose();
        Hash = null;
        Offset = 0;
    }
}

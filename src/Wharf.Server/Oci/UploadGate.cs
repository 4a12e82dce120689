namespace Wharf.Server.Oci;

/// <summary>
/// Bounds the blob bodies this node receives at once (Limits:MaxConcurrentUploads). Over the bound a request is
/// answered 429 at once rather than queued, so a flood of pushes cannot exhaust disk bandwidth or sockets.
/// </summary>
public sealed class UploadGate(UploadOptions options)
{
    private int _active;

    public int Limit => options.MaxConcurrentUploads;

    /// <summary>Takes a slot; dispose the result to give it back. Null when every slot is taken.</summary>
    public IDisposable? TryEnter()
    {
        if (Limit <= 0) return Slot.None;
        if (Interlocked.Increment(ref _active) > Limit)
        {
            Interlocked.Decrement(ref _active);
            return null;
        }
        return new Slot(this);
    }

    private sealed class Slot(UploadGate? gate) : IDisposable
    {
        public static readonly Slot None = new(null);
        private int _disposed;

        public void Dispose()
        {
            if (gate is not null && Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref gate._active);
        }
    }
}

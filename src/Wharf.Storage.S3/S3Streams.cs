using Wharf.Core;

namespace Wharf.Storage.S3;

/// <summary>
/// A read-only stream over a sequence of streams opened one after another, only when the previous one ends,
/// so reading an upload of many parts holds one object response open at a time.
/// </summary>
internal sealed class SequenceStream(IReadOnlyList<Func<CancellationToken, Task<Stream>>> sources) : ReadOnlyStream
{
    private int _next;
    private Stream? _current;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (_current is null)
            {
                if (_next == sources.Count) return 0;
                _current = await sources[_next++](cancellationToken);
            }
            int read = await _current.ReadAsync(buffer, cancellationToken);
            if (read > 0) return read;
            await _current.DisposeAsync();
            _current = null;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous reads would block a thread on the network; every caller in Wharf reads asynchronously.
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask DisposeAsync()
    {
        if (_current is not null) await _current.DisposeAsync();
        _current = null;
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current?.Dispose();
        _current = null;
        base.Dispose(disposing);
    }

}

/// <summary>The body of an object response; disposing it releases the response (and its connection).</summary>
internal sealed class ObjectBodyStream(IDisposable response, Stream body) : ReadOnlyStream
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => body.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        body.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => body.Read(buffer, offset, count);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            response.Dispose();
        }
        base.Dispose(disposing);
    }

}

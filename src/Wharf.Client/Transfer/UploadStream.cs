using Wharf.Core;

namespace Wharf.Client.Transfer;

/// <summary>
/// The body of one upload request: <paramref name="count"/> bytes of a source from its current position, with
/// progress and an optional bandwidth cap. Reads pass through; nothing is buffered beyond the caller's buffer.
/// </summary>
internal sealed class UploadStream(Stream source, long count, Action<long>? progress, Throttle? throttle) : ReadOnlyStream
{
    private readonly long _count = count;
    private long _remaining = count;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining <= 0) return 0;
        var slice = buffer.Length > _remaining ? buffer[..(int)_remaining] : buffer;
        if (throttle is not null && slice.Length > 256 * 1024) slice = slice[..(256 * 1024)]; // smoother pacing
        int n = await source.ReadAsync(slice, cancellationToken);
        if (n == 0) throw new EndOfStreamException($"the source ended {_remaining} bytes early (was the file changed while it was pushed?)");
        _remaining -= n;
        if (throttle is not null) await throttle.PassAsync(n, cancellationToken);
        progress?.Invoke(n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing) source.Dispose();
        base.Dispose(disposing);
    }

    public override long Length => _count;
    public override long Position { get => _count - _remaining; set => throw new NotSupportedException(); }
}

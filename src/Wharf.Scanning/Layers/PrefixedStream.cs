using Wharf.Core;

namespace Wharf.Scanning.Layers;

/// <summary>
/// A forward-only stream that replays bytes already read (to sniff a format) before the rest of the inner stream,
/// so sniffing needs neither a seekable stream nor a second read of the blob.
/// </summary>
internal sealed class PrefixedStream(byte[] prefix, int prefixLength, Stream inner) : ReadOnlyStream
{
    private int _position;

    public static async Task<(byte[] Head, int Length, Stream Stream)> PeekAsync(Stream inner, int count, CancellationToken ct)
    {
        var head = new byte[count];
        var length = await inner.ReadAtLeastAsync(head, count, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        return (head, length, new PrefixedStream(head, length, inner));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position < prefixLength)
        {
            var n = Math.Min(buffer.Length, prefixLength - _position);
            prefix.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        return inner.Read(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position < prefixLength) return Read(buffer.Span);
        return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();


    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

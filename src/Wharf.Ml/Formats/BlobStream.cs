using Wharf.Core;

namespace Wharf.Ml.Formats;

/// <summary>
/// A read-only, seekable stream over a <see cref="RangeSource"/>, so a tar reader can walk entry headers and seek
/// past entry data instead of reading it. Reads go through a small window.
/// </summary>
internal sealed class BlobStream(RangeSource source) : ReadOnlyStream
{
    private const int Window = 16 * 1024;
    private long _position;
    private long _bufferStart;
    private ReadOnlyMemory<byte> _buffer = ReadOnlyMemory<byte>.Empty;

    public override bool CanSeek => true;
    public override long Length => source.Length;
    public override long Position { get => _position; set => Seek(value, SeekOrigin.Begin); }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("read asynchronously");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= source.Length || buffer.Length == 0) return 0;
        long inBuffer = _position - _bufferStart;
        if (inBuffer < 0 || inBuffer >= _buffer.Length)
        {
            _buffer = await source.ReadAsync(_position, Math.Max(Window, Math.Min(buffer.Length, 1024 * 1024)), cancellationToken);
            _bufferStart = _position;
            inBuffer = 0;
            if (_buffer.Length == 0) return 0;
        }
        int n = (int)Math.Min(buffer.Length, _buffer.Length - inBuffer);
        _buffer.Slice((int)inBuffer, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => source.Length + offset,
        };
        if (target < 0) throw new IOException("seek before the start of the blob");
        _position = target;
        return target;
    }

}

/// <summary>A stream that refuses to yield more than a budget of bytes (bounds the work a compressed layer can cost).</summary>
internal sealed class BudgetStream(Stream inner, long budget) : ReadOnlyStream
{
    private long _read;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken);
        _read += n;
        if (_read > budget) throw new InvalidDataException($"stopped after {budget} decompressed bytes");
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

}

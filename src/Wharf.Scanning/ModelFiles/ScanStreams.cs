using Wharf.Core;

namespace Wharf.Scanning.ModelFiles;

/// <summary>A limit of <see cref="ScanLimits"/> was reached: the scan stops there and says so.</summary>
internal sealed class ScanLimitException(string message) : Exception(message);

/// <summary>A read-only window [offset, offset+length) of a seekable stream: one zip member's bytes.</summary>
internal sealed class WindowStream(Stream inner, long offset, long length) : ReadOnlyStream
{
    private long _position;

    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var left = length - _position;
        if (left <= 0) return 0;
        inner.Position = offset + _position;
        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
        _position += read;
        return read;
    }

}

/// <summary>Counts the bytes read through it: the compressed side of a ratio.</summary>
internal sealed class CountingStream(Stream inner) : ReadOnlyStream
{
    public long Count { get; private set; }
    public override long Position { get => Count; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Count += read;
        return read;
    }

}

/// <summary>
/// The expanded side of a decompressor: stops with <see cref="ScanLimitException"/> when the whole scan's
/// expanded bytes or this stream's ratio pass the limits (a zip bomb is found by its first gigabytes, not
/// by expanding it), and computes the CRC-32 of what it produced.
/// </summary>
internal sealed class ExpansionGuard(Stream expanded, Func<long> compressedSoFar, ScanBudget budget, string what) : ReadOnlyStream
{
    private uint _crc = 0xFFFFFFFF;

    public long Produced { get; private set; }
    public uint Crc32 => ~_crc;
    public override long Position { get => Produced; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        budget.Token.ThrowIfCancellationRequested();
        var read = expanded.Read(buffer);
        Produced += read;
        budget.Expand(read, what);
        if (Produced > 1 << 20 && Produced > budget.Limits.MaxCompressionRatio * Math.Max(1, compressedSoFar()))
            throw new ScanLimitException($"{what} expands more than {budget.Limits.MaxCompressionRatio}:1 (a decompression bomb?)");
        _crc = Crc32Table.Update(_crc, buffer[..read]);
        return read;
    }

    /// <summary>Reads what the scan did not need, so the CRC covers the whole member.</summary>
    public void Drain()
    {
        var chunk = new byte[81920];
        while (Read(chunk) > 0) { }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) expanded.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>What the whole scan of one file may still spend, shared by every nested container.</summary>
internal sealed class ScanBudget(ScanLimits limits, CancellationToken token)
{
    private long _expanded;

    public ScanLimits Limits { get; } = limits;
    public CancellationToken Token { get; } = token;

    public void Expand(long bytes, string what)
    {
        _expanded += bytes;
        if (_expanded > Limits.MaxExpandedBytes) throw new ScanLimitException($"{what}: more than {Limits.MaxExpandedBytes} bytes expanded in all");
    }
}

internal static class Crc32Table
{
    private static readonly uint[] Table = Build();

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] Build()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}

/// <summary>The sniffed head put back in front of a forward-only stream.</summary>
internal sealed class HeadStream(byte[] head, Stream rest) : ReadOnlyStream
{
    private int _at;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_at >= head.Length) return rest.Read(buffer);
        var n = Math.Min(buffer.Length, head.Length - _at);
        head.AsSpan(_at, n).CopyTo(buffer);
        _at += n;
        return n;
    }

}

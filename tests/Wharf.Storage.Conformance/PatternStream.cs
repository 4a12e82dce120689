using System.Runtime.InteropServices;

namespace Wharf.Storage.Conformance;

/// <summary>
/// Deterministic pseudo-random bytes of any length, generated as they are read (never held in memory): byte i
/// of a seed is always the same, so a test can check any range of a huge blob without keeping the blob.
/// </summary>
internal sealed class PatternStream(ulong seed, long length, int maxRead = int.MaxValue) : Stream
{
    private const int BlockSize = 64 * 1024;
    private readonly byte[] _block = new byte[BlockSize];
    private long _blockIndex = -1;
    private long _position;

    /// <summary>Moves to <paramref name="offset"/> without generating what lies before it.</summary>
    public void Skip(long offset) => _position = offset;

    /// <summary>Bytes [offset, offset + count) of the pattern.</summary>
    public static byte[] Slice(ulong seed, long offset, int count)
    {
        var stream = new PatternStream(seed, offset + count);
        stream.Skip(offset);
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_position >= length || buffer.IsEmpty) return 0;
        long blockIndex = _position / BlockSize;
        if (blockIndex != _blockIndex) Fill(blockIndex);
        int inBlock = (int)(_position % BlockSize);
        int n = (int)Math.Min(Math.Min(Math.Min(buffer.Length, BlockSize - inBlock), length - _position), maxRead);
        _block.AsSpan(inBlock, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    private void Fill(long blockIndex)
    {
        // xorshift64 seeded per block: any block can be made without the ones before it.
        ulong state = (seed ^ ((ulong)blockIndex * 0x9E3779B97F4A7C15UL)) | 1;
        var words = MemoryMarshal.Cast<byte, ulong>(_block.AsSpan());
        for (int i = 0; i < words.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            words[i] = state;
        }
        _blockIndex = blockIndex;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// Deterministic pseudo-random content of any size, generated on the fly (never held in memory): byte i of a given
/// seed is always the same, so a resumed upload can send the rest from any offset. A callback fires once when
/// the stream has handed out a given number of bytes, to interrupt an upload mid-flight.
/// </summary>
public sealed class GeneratedStream : Stream
{
    private const int BlockSize = 64 * 1024;

    private readonly ulong _seed;
    private readonly long _end;
    private readonly byte[] _block = new byte[BlockSize];
    private long _blockIndex = -1;
    private long _position;
    private long _tripAt = long.MaxValue;
    private Action? _trip;

    /// <summary>The bytes [<paramref name="start"/>, <paramref name="end"/>) of the content for <paramref name="seed"/>.</summary>
    public GeneratedStream(ulong seed, long start, long end)
    {
        _seed = seed;
        _position = start;
        _end = end;
    }

    /// <summary>The absolute offset in the content up to which reads have handed bytes out.</summary>
    public long Produced => Interlocked.Read(ref _position);

    /// <summary>Calls <paramref name="trip"/> once, as soon as a read reaches absolute offset <paramref name="offset"/>.</summary>
    public void TripAt(long offset, Action trip)
    {
        _tripAt = offset;
        _trip = trip;
    }

    public static async Task<string> DigestAsync(ulong seed, long length, CancellationToken cancellationToken = default)
    {
        await using var stream = new GeneratedStream(seed, 0, length);
        return await Digests.Sha256Async(stream, cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long position = _position;
        if (position >= _end || buffer.IsEmpty) return 0;
        long blockIndex = position / BlockSize;
        if (blockIndex != _blockIndex) Fill(blockIndex);
        int inBlock = (int)(position % BlockSize);
        int n = (int)Math.Min(Math.Min(buffer.Length, BlockSize - inBlock), _end - position);
        _block.AsSpan(inBlock, n).CopyTo(buffer);
        Interlocked.Exchange(ref _position, position + n);
        if (position + n >= _tripAt && _trip is { } trip)
        {
            _trip = null;
            trip();
        }
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Fill(long blockIndex)
    {
        // xorshift64* seeded per block by splitmix64: fast, and any block can be made without the ones before it.
        ulong state = SplitMix(_seed ^ SplitMix((ulong)blockIndex + 0x9E3779B97F4A7C15UL));
        if (state == 0) state = 1;
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(_block.AsSpan());
        for (int i = 0; i < words.Length; i++)
        {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            words[i] = BitConverter.IsLittleEndian ? state * 2685821657736338717UL : BinaryPrimitives.ReverseEndianness(state * 2685821657736338717UL);
        }
        _blockIndex = blockIndex;
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong NewSeed() => BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

using Wharf.Core;

namespace Wharf.Ml;

/// <summary>Reads up to <c>count</c> bytes at <c>offset</c>; fewer only at the end of the source.</summary>
public delegate Task<ReadOnlyMemory<byte>> RangeRead(long offset, int count, CancellationToken ct);

/// <summary>
/// Bytes the readers can ask for by range, so a header reader touches only the bytes it needs and never the whole
/// blob. <see cref="Length"/> is the true size, which every declared length or offset is checked against.
/// </summary>
public sealed class RangeSource(long length, RangeRead read)
{
    public long Length { get; } = length;

    /// <summary>Bytes actually fetched so far (tests check a hostile header costs next to nothing).</summary>
    public long BytesRead { get; private set; }

    public async Task<ReadOnlyMemory<byte>> ReadAsync(long offset, int count, CancellationToken ct)
    {
        if (offset < 0 || count < 0) throw new ArgumentOutOfRangeException(nameof(offset));
        if (offset >= Length || count == 0) return ReadOnlyMemory<byte>.Empty;
        count = (int)Math.Min(count, Length - offset);
        var bytes = await read(offset, count, ct);
        BytesRead += bytes.Length;
        return bytes;
    }

    /// <summary>Exactly <paramref name="count"/> bytes at <paramref name="offset"/>, or null when the source ends first.</summary>
    public async Task<ReadOnlyMemory<byte>?> ReadExactlyAsync(long offset, int count, CancellationToken ct)
    {
        if (offset < 0 || offset > Length - count) return null;
        var bytes = await ReadAsync(offset, count, ct);
        return bytes.Length == count ? bytes : null;
    }

    /// <summary>A window of this source: offsets in the slice start at <paramref name="offset"/> here.</summary>
    public RangeSource Slice(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > Length - length) throw new ArgumentOutOfRangeException(nameof(offset));
        return new RangeSource(length, (o, c, ct) => ReadAsync(offset + o, c, ct));
    }

    public static RangeSource FromBytes(ReadOnlyMemory<byte> bytes) =>
        new(bytes.Length, (o, c, _) => Task.FromResult(bytes.Slice((int)o, (int)Math.Min(c, bytes.Length - o))));

    /// <summary>Range reads over a stored blob: each read opens the blob at the offset and reads just that much.</summary>
    public static RangeSource FromBlob(BlobContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new RangeSource(content.Length, async (offset, count, ct) =>
        {
            await using var stream = await content.OpenRange(offset, count, ct);
            var buffer = new byte[count];
            int total = 0;
            while (total < count)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(total, count - total), ct);
                if (n == 0) break;
                total += n;
            }
            return buffer.AsMemory(0, total);
        });
    }

    /// <summary>
    /// A forward-only source over a stream that cannot seek (a decompressing one): reads at increasing offsets
    /// skip the bytes in between; a read before the current position is refused.
    /// </summary>
    public static RangeSource Forward(Stream stream, long length)
    {
        long position = 0;
        return new RangeSource(length, async (offset, count, ct) =>
        {
            if (offset < position) throw new InvalidDataException("a compressed layer can only be read forward");
            var skip = new byte[8192];
            while (position < offset)
            {
                int n = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, offset - position)), ct);
                if (n == 0) return ReadOnlyMemory<byte>.Empty;
                position += n;
            }
            var buffer = new byte[count];
            int total = 0;
            while (total < count)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(total), ct);
                if (n == 0) break;
                total += n;
            }
            position += total;
            return buffer.AsMemory(0, total);
        });
    }
}

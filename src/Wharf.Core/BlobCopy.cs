using System.Buffers;
using System.Security.Cryptography;

namespace Wharf.Core;

/// <summary>
/// The one copy loop for blob bytes: a single buffer rented from <see cref="ArrayPool{T}.Shared"/>, so memory
/// stays flat whatever the blob size (invariant 3), and each chunk shown to an observer (a hash, a size check,
/// progress) before it is written, so nothing is written that the observer refused.
/// </summary>
public static class BlobCopy
{
    public const int DefaultBufferSize = 1 << 20;

    /// <summary>
    /// Streams <paramref name="source"/> into <paramref name="destination"/> (null: only read it) and returns the
    /// bytes copied. With <paramref name="length"/>, exactly that many bytes are read and a source that ends first
    /// throws <see cref="EndOfStreamException"/>; without, the source is read to its end.
    /// </summary>
    public static async Task<long> CopyAsync(Stream source, Stream? destination, Action<ReadOnlySpan<byte>>? observe, long? length,
        CancellationToken ct, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            long total = 0;
            while (length is not { } wanted || total < wanted)
            {
                int ask = length is { } l ? (int)Math.Min(bufferSize, l - total) : bufferSize;
                int read = await source.ReadAsync(buffer.AsMemory(0, ask), ct);
                if (read == 0)
                {
                    if (length is not null) throw new EndOfStreamException("blob ended before its recorded size");
                    break;
                }
                observe?.Invoke(buffer.AsSpan(0, read));
                if (destination is not null) await destination.WriteAsync(buffer.AsMemory(0, read), ct);
                total += read;
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Feeds the rest of <paramref name="source"/> to <paramref name="hash"/>; returns the bytes read.</summary>
    public static Task<long> HashAsync(Stream source, IncrementalHash hash, CancellationToken ct, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return CopyAsync(source, null, hash.AppendData, null, ct, bufferSize);
    }
}

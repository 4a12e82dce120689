using System.Buffers;

namespace Wharf.Server.Oci;

/// <summary>Copies exactly <c>count</c> bytes with one pooled buffer: memory stays flat whatever the blob size.</summary>
internal static class StreamCopy
{
    private const int BufferSize = 1 << 20;

    public static async Task CopyAsync(Stream source, Stream destination, long count, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (count > 0)
            {
                int read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), ct);
                if (read == 0) throw new EndOfStreamException("blob ended before its recorded size");
                await destination.WriteAsync(buffer.AsMemory(0, read), ct);
                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

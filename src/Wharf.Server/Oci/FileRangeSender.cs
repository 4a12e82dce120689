using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;

namespace Wharf.Server.Oci;

/// <summary>
/// Sends a byte range of a local file by reading it straight into the response pipe's own buffers: one copy
/// from the page cache into the memory the socket sends from, instead of a read into a buffer of ours and a
/// second copy into Kestrel's.
/// </summary>
internal static class FileRangeSender
{
    // Large enough that a flush (one socket send) moves a meaningful amount; the pipe hands out buffers of
    // this size from the shared array pool, so memory stays flat whatever the blob size.
    private const int ReadSize = 256 * 1024;

    public static async Task SendAsync(string path, long offset, long count, PipeWriter destination, CancellationToken ct)
    {
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.SequentialScan);
        while (count > 0)
        {
            var memory = destination.GetMemory(ReadSize);
            int want = (int)Math.Min(memory.Length, count);
            // Blob files are immutable and mostly in the page cache: a synchronous read is a memory copy.
            int read = RandomAccess.Read(file, memory.Span[..want], offset);
            if (read == 0) throw new EndOfStreamException("blob ended before its recorded size");
            destination.Advance(read);
            offset += read;
            count -= read;
            var flush = await destination.FlushAsync(ct);
            if (flush.IsCanceled || flush.IsCompleted) return;
        }
    }
}

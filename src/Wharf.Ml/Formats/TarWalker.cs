using System.Formats.Tar;
using System.IO.Compression;

namespace Wharf.Ml.Formats;

/// <summary>A regular file inside a tar layer, with a source over just its bytes.</summary>
internal sealed record TarFile(string Path, long Size, RangeSource Content);

/// <summary>
/// Lists the regular files of a tar layer. An uncompressed tar is walked by range: only the 512-byte headers are
/// read and entry data is seeked past. A gzip tar must be decompressed to be walked, so that walk is bounded by a
/// budget of decompressed bytes. Each file is handed to <c>visit</c> while the walk stands on it.
/// </summary>
internal static class TarWalker
{
    public const int MaxEntries = 10_000;
    public const long GzipBudget = 256L * 1024 * 1024;

    public static async Task<string?> WalkAsync(RangeSource layer, string? compression, Func<TarFile, Task> visit, CancellationToken ct)
    {
        if (compression == "zstd") return "zstd layers are not inspected";
        BlobStream? seekable = compression is null ? new BlobStream(layer) : null;
        Stream archive = (Stream?)seekable ?? new BudgetStream(new GZipStream(new BlobStream(layer), CompressionMode.Decompress), GzipBudget);
        try
        {
            await using var reader = new TarReader(archive, leaveOpen: true);
            for (int i = 0; i < MaxEntries; i++)
            {
                var entry = await reader.GetNextEntryAsync(copyData: false, ct);
                if (entry is null) return null;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                string path = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                var content = seekable is not null
                    ? layer.Slice(entry.DataOffset, entry.Length)
                    : RangeSource.Forward(entry.DataStream ?? Stream.Null, entry.Length);
                await visit(new TarFile(path, entry.Length, content));
            }
            return $"listing stopped after {MaxEntries} entries";
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or IOException)
        {
            return $"tar: {e.Message}";
        }
        finally
        {
            await archive.DisposeAsync();
        }
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using Wharf.Core;

namespace Wharf.Scanning.Layers;

/// <summary>
/// Reads one layer blob as a forward-only sequence of entries, without unpacking to disk and without buffering
/// entry data: what a consumer does not read is skipped by the tar reader as the stream moves on, so memory stays
/// the same for a 10 KB or a 10 GB layer. Compression is sniffed from the bytes (gzip, zstd or none), not taken from
/// the media type, because pushers mislabel layers; whether a layer is a tar or a single raw file comes from the
/// media type (a raw model file may itself be a gzip or a tar, and must be seen as that file).
/// </summary>
public static class LayerReader
{
    public const string FilePathAnnotation = "org.cncf.model.filepath";
    private const string TitleAnnotation = "org.opencontainers.image.title";

    /// <summary>
    /// Single-file layers: ModelPack/KitOps "….raw", Docker model artifacts (application/vnd.docker.ai.*) and ollama
    /// blobs (application/vnd.ollama.image.*), which all hold one file each.
    /// </summary>
    public static bool IsRawMediaType(string mediaType) =>
        mediaType.EndsWith(".raw", StringComparison.Ordinal) || mediaType.EndsWith("+raw", StringComparison.Ordinal)
        || mediaType.StartsWith("application/vnd.docker.ai.", StringComparison.Ordinal)
        || mediaType.StartsWith("application/vnd.ollama.image.", StringComparison.Ordinal);

    /// <summary>The path a raw layer's file has in the artifact: its filepath annotation, else its title, else its digest.</summary>
    public static string RawFilePath(Descriptor layer) =>
        LayerPaths.Normalize(layer.Annotations?.GetValueOrDefault(FilePathAnnotation)
                             ?? layer.Annotations?.GetValueOrDefault(TitleAnnotation) ?? "") ?? layer.Digest.ToString().Replace(':', '-');

    /// <summary>
    /// The entries of <paramref name="blob"/>, in archive order. The blob stream is not disposed here. A tar-typed layer
    /// whose bytes are not a tar is reported as one raw file, so content scanners still see it.
    /// </summary>
    public static async IAsyncEnumerable<LayerEntry> ReadAsync(Stream blob, Descriptor layer, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (IsRawMediaType(layer.MediaType))
        {
            yield return new LayerEntry(RawFilePath(layer), LayerEntryKind.File, layer.Size, null, blob);
            yield break;
        }
        var (head, length, sniffed) = await PrefixedStream.PeekAsync(new NonDisposing(blob), 4, ct).ConfigureAwait(false);
        await using var decompressed = Compression(head.AsSpan(0, length)) switch
        {
            "gzip" => new GZipStream(sniffed, CompressionMode.Decompress),
            "zstd" => new ZstdSharp.DecompressionStream(sniffed),
            _ => sniffed,
        };
        var (header, headerLength, content) = await PrefixedStream.PeekAsync(decompressed, 512, ct).ConfigureAwait(false);
        if (!LooksLikeTar(header.AsSpan(0, headerLength)))
        {
            var size = ReferenceEquals(decompressed, sniffed) ? layer.Size : LayerEntry.UnknownSize;
            yield return new LayerEntry(RawFilePath(layer), LayerEntryKind.File, size, null, content);
            yield break;
        }
        await using var tar = new TarReader(content, leaveOpen: true);
        while (await tar.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes) continue;
            if (LayerPaths.Normalize(entry.Name) is not { } path) continue;
            if (LayerPaths.Whiteout(path) is { } whiteout)
            {
                yield return new LayerEntry(whiteout.Target, whiteout.Kind, 0, null, Stream.Null);
                continue;
            }
            var kind = entry.EntryType switch
            {
                TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => LayerEntryKind.File,
                TarEntryType.Directory => LayerEntryKind.Directory,
                TarEntryType.SymbolicLink => LayerEntryKind.Symlink,
                TarEntryType.HardLink => LayerEntryKind.HardLink,
                _ => LayerEntryKind.Other,
            };
            // Hard link targets are archive names, so they are normalised like paths; symlink targets are kept as
            // written, since they are resolved (if ever) against the image, not the archive.
            var link = kind switch
            {
                LayerEntryKind.HardLink => LayerPaths.Normalize(entry.LinkName),
                LayerEntryKind.Symlink => entry.LinkName,
                _ => null,
            };
            yield return new LayerEntry(path, kind, kind == LayerEntryKind.File ? entry.Length : 0, link, entry.DataStream ?? Stream.Null);
        }
    }

    /// <summary>"gzip", "zstd" or null, from the magic bytes (RFC 1952: 1f 8b; RFC 8878: 28 b5 2f fd).</summary>
    public static string? Compression(ReadOnlySpan<byte> head) =>
        head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b ? "gzip"
        : head.Length >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd ? "zstd"
        : null;

    /// <summary>A ustar/GNU magic, or a V7 header whose checksum holds, or the all-zero end block of an empty archive.</summary>
    public static bool LooksLikeTar(ReadOnlySpan<byte> header)
    {
        if (header.Length < 512) return header.Length == 0;
        if (header.Slice(257, 5).SequenceEqual("ustar"u8)) return true;
        if (!header.ContainsAnyExcept((byte)0)) return true;
        long sum = 0;
        for (var i = 0; i < 512; i++) sum += i is >= 148 and < 156 ? (byte)' ' : header[i];
        var field = System.Text.Encoding.ASCII.GetString(header.Slice(148, 8)).Trim('\0', ' ');
        try
        {
            return field.Length > 0 && Convert.ToInt64(field, 8) == sum;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // The caller owns the blob stream; the decompressors must not close it when they are disposed.
    private sealed class NonDisposing(Stream inner) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => inner.ReadAsync(buffer, offset, count, ct);
    }
}

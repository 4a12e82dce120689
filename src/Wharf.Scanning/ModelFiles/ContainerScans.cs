using System.IO.Compression;
using SharpCompress.Archives.SevenZip;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.LZMA;
using SharpCompress.Compressors.Xz;
using SharpCompress.Readers;
using SharpCompress.Readers.Tar;

namespace Wharf.Scanning.ModelFiles;

/// <summary>Containers: every member is sniffed and scanned by its own content, whatever its name.</summary>
internal sealed partial class ScanSession
{
    private ModelFormat ScanZip(Stream zip, string location, int depth, LoaderProfile? profile)
    {
        var (members, gaps) = ZipDirectory.Read(zip, Limits.MaxMembers);
        foreach (var gap in gaps) Add(ScanStatus.Unsafe, "zip-member", $"zip archive: {gap}", location);
        var names = members.Select(m => m.Name).ToList();
        var format = names.Any(n => n == "data.pkl" || n.EndsWith("/data.pkl", StringComparison.Ordinal)) ? ModelFormat.PyTorchZip
            : names.Contains("config.json") && (names.Contains("metadata.json") || names.Contains("model.weights.h5")) ? ModelFormat.Keras
            : names.Count > 0 && names.All(n => n.EndsWith(".npy", StringComparison.Ordinal)) ? ModelFormat.NumpyZip
            : ModelFormat.Zip;
        var memberProfile = format switch
        {
            ModelFormat.PyTorchZip => LoaderProfiles.TorchWeights,
            ModelFormat.NumpyZip => LoaderProfiles.NumpyObjectArray,
            _ => profile,
        };
        foreach (var member in members)
        {
            var where = Member(location, member.Name);
            foreach (var anomaly in member.Anomalies)
            {
                // Names that escape, and headers that disagree, exist only to mislead an extractor or a scanner.
                var severity = anomaly.StartsWith("has a name", StringComparison.Ordinal) || anomaly.StartsWith("local header", StringComparison.Ordinal)
                    ? ScanStatus.Unsafe : ScanStatus.Suspicious;
                Add(severity, "zip-member", $"zip member {anomaly}", where);
            }
            if (member.Name.EndsWith('/') || (member.Flags & 1) != 0) continue;
            if (member.Method is not (0 or 8))
            {
                Add(ScanStatus.Suspicious, "zip-member", $"zip member uses compression method {member.Method}, which is not scanned", where);
                continue;
            }
            var counting = new CountingStream(new WindowStream(zip, member.DataOffset, member.CompressedSize));
            Stream raw = member.Method == 8 ? new DeflateStream(counting, CompressionMode.Decompress) : counting;
            using var guard = new ExpansionGuard(raw, () => counting.Count, budget, where);
            if (format == ModelFormat.Keras && member.Name == "config.json")
                KerasConfig.CheckJson(ReadSmall(guard, where), this, where);
            else
                Scan(guard, where, depth + 1, memberProfile);
            guard.Drain();
            if (guard.Produced != member.Size)
                Add(ScanStatus.Suspicious, "zip-member", $"zip member expands to {guard.Produced} bytes, not the {member.Size} its header declares", where);
            else if (guard.Crc32 != member.Crc)
                Add(ScanStatus.Suspicious, "zip-member", $"zip member has a bad CRC-32 (0x{guard.Crc32:x8}, header says 0x{member.Crc:x8})", where);
        }
        return format;
    }

    private byte[] ReadSmall(Stream stream, string where)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > Limits.MaxHeaderBytes) throw new ScanLimitException($"{where} is larger than {Limits.MaxHeaderBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private void ScanTar(Stream stream, string location, int depth, LoaderProfile? profile)
    {
        using var reader = TarReader.OpenReader(stream, new ReaderOptions { LeaveStreamOpen = true });
        var count = 0;
        while (reader.MoveToNextEntry())
        {
            var entry = reader.Entry;
            if (entry.IsDirectory) continue;
            if (++count > Limits.MaxMembers) throw new ScanLimitException($"more than {Limits.MaxMembers} tar members");
            var where = Member(location, entry.Key ?? "");
            if (ZipDirectory.NameEscapes(entry.Key ?? "")) Add(ScanStatus.Suspicious, "tar-member", "tar member has a name that leaves the archive's folder", where);
            using var content = reader.OpenEntryStream();
            Scan(content, where, depth + 1, profile);
        }
    }

    private ModelFormat ScanSevenZip(Stream stream, string location, int depth, LoaderProfile? profile)
    {
        using var archive = SevenZipArchive.OpenArchive(stream, new ReaderOptions { LeaveStreamOpen = true });
        var count = 0;
        foreach (var entry in archive.Entries)
        {
            if (entry.IsDirectory) continue;
            if (++count > Limits.MaxMembers) throw new ScanLimitException($"more than {Limits.MaxMembers} 7z members");
            var where = Member(location, entry.Key ?? "");
            if (entry.IsEncrypted) { Add(ScanStatus.Suspicious, "7z-member", "7z member is encrypted, so it cannot be scanned", where); continue; }
            // A solid archive has no per-member compressed size: the ratio is against the whole archive.
            using var guard = new ExpansionGuard(entry.OpenEntryStream(), () => stream.Length, budget, where);
            Scan(guard, where, depth + 1, profile);
        }
        return ModelFormat.SevenZip;
    }

    /// <summary>gzip, zlib, bzip2, xz and lzma wrappers (joblib's compress= options, or a .gz around anything).</summary>
    private ModelFormat ScanCompressed(ModelFormat format, Stream stream, string location, int depth, LoaderProfile? profile)
    {
        var counting = new CountingStream(stream);
        Stream expanded = format switch
        {
            ModelFormat.Gzip => new GZipStream(counting, CompressionMode.Decompress, leaveOpen: true),
            ModelFormat.Zlib => new ZLibStream(counting, CompressionMode.Decompress, leaveOpen: true),
            ModelFormat.Bzip2 => BZip2Stream.Create(counting, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true),
            ModelFormat.Xz => new XZStream(counting),
            _ => OpenLzmaAlone(counting),
        };
        var where = location.Length == 0 ? $"({format} content)" : $"{location} ({format} content)";
        using var guard = new ExpansionGuard(expanded, () => counting.Count, budget, where);
        var inner = Scan(guard, where, depth + 1, profile ?? LoaderProfiles.Joblib);
        return inner is ModelFormat.Pickle ? ModelFormat.Joblib : format;
    }

    /// <summary>The .lzma "alone" format: 5 bytes of properties, the 8-byte size (all ones when unknown), the stream.</summary>
    private static LzmaStream OpenLzmaAlone(Stream stream)
    {
        var header = new byte[13];
        stream.ReadExactly(header);
        var size = BitConverter.ToInt64(header, 5);
        return LzmaStream.Create(header[..5], stream, -1, size, leaveOpen: true);
    }
}

using System.Buffers.Binary;
using System.Text;

namespace Wharf.Scanning.ModelFiles;

/// <summary>One member as the central directory names it, with what its local header says beside it.</summary>
internal sealed record ZipMember(
    string Name, ushort Flags, ushort Method, uint Crc, long CompressedSize, long Size, long LocalHeaderOffset,
    long DataOffset, List<string> Anomalies);

/// <summary>
/// Reads a zip's central directory and every member's local header itself (System.IO.Compression trusts the
/// central directory and hides where the two disagree). Loaders read the central directory, other tools the
/// local headers: a member whose two headers differ shows each a different file, so every difference is
/// reported.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50, Zip64EndSignature = 0x06064b50, Zip64LocatorSignature = 0x07064b50;
    private const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;

    /// <summary>Flag bits a model archive may use: encryption is not one (bit 0), nor bits 4–6 or 12–15.</summary>
    private const ushort KnownFlags = 0b0000_1000_0000_1110; // 1–2 deflate level, 3 data descriptor, 11 UTF-8

    /// <summary>The members, and what lies between them that the central directory does not account for.</summary>
    public static (List<ZipMember> Members, List<string> Anomalies) Read(Stream zip, int maxMembers)
    {
        var (members, directoryOffset) = ReadMembers(zip, maxMembers);
        return (members, Gaps(zip, members, directoryOffset));
    }

    private static (List<ZipMember> Members, long DirectoryOffset) ReadMembers(Stream zip, int maxMembers)
    {
        var (count, directoryOffset, directorySize) = FindDirectory(zip);
        if (count > maxMembers) throw new InvalidDataException($"zip declares {count} members, more than the limit of {maxMembers}");
        if (directoryOffset < 0 || directoryOffset + directorySize > zip.Length) throw new InvalidDataException("zip central directory lies outside the file");
        var directory = new byte[directorySize];
        zip.Position = directoryOffset;
        zip.ReadExactly(directory);
        var members = new List<ZipMember>();
        var at = 0;
        for (long i = 0; i < count; i++)
        {
            if (at + 46 > directory.Length || BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(at)) != CentralSignature)
                throw new InvalidDataException($"central directory entry {i} is corrupt");
            var e = directory.AsSpan(at);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(e[8..]);
            var method = BinaryPrimitives.ReadUInt16LittleEndian(e[10..]);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(e[20..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(e[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(e[28..]), extraLength = BinaryPrimitives.ReadUInt16LittleEndian(e[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(e[32..]);
            long local = BinaryPrimitives.ReadUInt32LittleEndian(e[42..]);
            if (at + 46 + nameLength + extraLength + commentLength > directory.Length) throw new InvalidDataException($"central directory entry {i} is truncated");
            var name = Encoding.UTF8.GetString(e.Slice(46, nameLength));
            ReadZip64(e.Slice(46 + nameLength, extraLength), ref size, ref compressed, ref local);
            at += 46 + nameLength + extraLength + commentLength;
            members.Add(ReadLocal(zip, name, flags, method, crc, compressed, size, local));
        }
        return (members, directoryOffset);
    }

    /// <summary>
    /// A local header the central directory does not list is a member only streaming extractors see (and
    /// scanners that trust the directory miss); members that overlap share bytes (the overlapping zip bomb).
    /// </summary>
    private static List<string> Gaps(Stream zip, List<ZipMember> members, long directoryOffset)
    {
        var anomalies = new List<string>();
        long expected = 0;
        foreach (var member in members.OrderBy(m => m.LocalHeaderOffset))
        {
            if (member.LocalHeaderOffset < expected) anomalies.Add($"member '{member.Name}' overlaps the member before it");
            else if (HasLocalHeader(zip, expected, member.LocalHeaderOffset)) anomalies.Add($"a local header before '{member.Name}' is not in the central directory");
            // A data descriptor (flag bit 3) follows the data: 12 to 24 bytes.
            expected = Math.Max(expected, member.DataOffset + member.CompressedSize + ((member.Flags & 8) != 0 ? 12 : 0));
        }
        if (HasLocalHeader(zip, expected, directoryOffset)) anomalies.Add("a local header after the last member is not in the central directory");
        return anomalies;
    }

    private static bool HasLocalHeader(Stream zip, long from, long to)
    {
        if (to - from < 30) return false;
        var signature = new byte[] { 0x50, 0x4B, 0x03, 0x04 };
        var buffer = new byte[64 * 1024 + 3];
        for (var at = from; at < to; at += 64 * 1024)
        {
            zip.Position = at;
            var n = zip.ReadAtLeast(buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - at)), 1, throwOnEndOfStream: false);
            if (buffer.AsSpan(0, n).IndexOf(signature) >= 0) return true;
        }
        return false;
    }

    private static ZipMember ReadLocal(Stream zip, string name, ushort flags, ushort method, uint crc, long compressed, long size, long local)
    {
        var anomalies = new List<string>();
        if ((flags & 1) != 0) anomalies.Add("is encrypted, so it cannot be scanned");
        if ((flags & ~KnownFlags & ~1) != 0) anomalies.Add($"has unusual flag bits 0x{flags:x4}");
        if (NameEscapes(name)) anomalies.Add("has a name that leaves the archive's folder");
        var header = new byte[30];
        if (local < 0 || local + 30 > zip.Length) throw new InvalidDataException($"{name}: local header lies outside the file");
        zip.Position = local;
        zip.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != LocalSignature) throw new InvalidDataException($"{name}: no local header at offset {local}");
        var localFlags = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6));
        var localMethod = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
        var localCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(14));
        long localCompressed = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(18)), localSize = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(22));
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(26)), extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
        var localName = new byte[nameLength];
        zip.ReadExactly(localName);
        var extra = new byte[extraLength];
        zip.ReadExactly(extra);
        long ignored = 0;
        ReadZip64(extra, ref localSize, ref localCompressed, ref ignored);
        if (Encoding.UTF8.GetString(localName) != name) anomalies.Add($"local header names it '{Encoding.UTF8.GetString(localName)}'");
        if (localMethod != method) anomalies.Add($"local header says compression method {localMethod}, the central directory {method}");
        if ((localFlags & ~0x0006) != (flags & ~0x0006)) anomalies.Add($"local header flags 0x{localFlags:x4} differ from the central directory's 0x{flags:x4}");
        // With a data descriptor (bit 3) the local header may carry zeros; otherwise the values must agree.
        if ((localFlags & 8) == 0 && (localCrc != crc || localCompressed != compressed || localSize != size))
            anomalies.Add("local header's CRC or sizes differ from the central directory's");
        var data = local + 30 + nameLength + extraLength;
        if (data + compressed > zip.Length) throw new InvalidDataException($"{name}: data runs past the end of the file");
        return new ZipMember(name, flags, method, crc, compressed, size, local, data, anomalies);
    }

    /// <summary>"../x", "/etc/x", "C:\x", "a/../../x": a name an extractor could write outside its folder.</summary>
    internal static bool NameEscapes(string name)
    {
        var n = name.Replace('\\', '/');
        if (n.StartsWith('/') || (n.Length >= 2 && n[1] == ':') || n.Contains('\0')) return true;
        var depth = 0;
        foreach (var part in n.Split('/'))
        {
            if (part == "..") { if (--depth < 0) return true; }
            else if (part is not ("" or ".")) depth++;
        }
        return false;
    }

    private static (long Count, long Offset, long Size) FindDirectory(Stream zip)
    {
        var tail = (int)Math.Min(zip.Length, 22 + 65535);
        var buffer = new byte[tail];
        zip.Position = zip.Length - tail;
        zip.ReadExactly(buffer);
        for (var i = tail - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) != EndSignature) continue;
            long count = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(i + 10));
            long size = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i + 12));
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i + 16));
            var end = zip.Length - tail + i;
            if ((count == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF) && end >= 20)
            {
                var locator = new byte[20];
                zip.Position = end - 20;
                zip.ReadExactly(locator);
                if (BinaryPrimitives.ReadUInt32LittleEndian(locator) == Zip64LocatorSignature)
                {
                    var record = new byte[56];
                    zip.Position = (long)BinaryPrimitives.ReadUInt64LittleEndian(locator.AsSpan(8));
                    zip.ReadExactly(record);
                    if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature) throw new InvalidDataException("zip64 end record is corrupt");
                    count = (long)BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32));
                    size = (long)BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(40));
                    offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(48));
                }
            }
            if (size > int.MaxValue) throw new InvalidDataException("zip central directory is too large");
            return (count, offset, size);
        }
        throw new InvalidDataException("no end of central directory record");
    }

    /// <summary>The zip64 extra field (0x0001) holds, in order, each value whose 32-bit field is 0xFFFFFFFF.</summary>
    private static void ReadZip64(ReadOnlySpan<byte> extra, ref long size, ref long compressed, ref long local)
    {
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (4 + length > extra.Length) return;
            if (id == 1)
            {
                var field = extra.Slice(4, length);
                if (size == 0xFFFFFFFF && field.Length >= 8) { size = (long)BinaryPrimitives.ReadUInt64LittleEndian(field); field = field[8..]; }
                if (compressed == 0xFFFFFFFF && field.Length >= 8) { compressed = (long)BinaryPrimitives.ReadUInt64LittleEndian(field); field = field[8..]; }
                if (local == 0xFFFFFFFF && field.Length >= 8) local = (long)BinaryPrimitives.ReadUInt64LittleEndian(field);
            }
            extra = extra[(4 + length)..];
        }
    }
}

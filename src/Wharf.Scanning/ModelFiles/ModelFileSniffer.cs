using System.Buffers.Binary;

namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// What a file is, from its first bytes only: magic numbers, and for the formats without one (pickle
/// protocols 0 and 1, ONNX's protobuf) a short parse that must hold. Never the file name.
/// </summary>
public static class ModelFileSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeadLength = 4096;

    /// <summary>LONG1 of torch.serialization's MAGIC_NUMBER 0x1950a86a20f9469cfc6c, then STOP.</summary>
    private static readonly byte[] LegacyTorchMagic = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];

    public static ModelFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8)) return ModelFormat.Zip;
        if (head.StartsWith((byte[])[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])) return ModelFormat.SevenZip;
        if (head.StartsWith((byte[])[0x1F, 0x8B])) return ModelFormat.Gzip;
        if (head.StartsWith((byte[])[0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00])) return ModelFormat.Xz;
        if (head.Length >= 4 && head.StartsWith("BZh"u8) && head[3] is >= (byte)'1' and <= (byte)'9') return ModelFormat.Bzip2;
        if (head.StartsWith((byte[])[0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'])) return ModelFormat.Numpy;
        if (head.StartsWith("GGUF"u8)) return ModelFormat.Gguf;
        if (head.StartsWith((byte[])[0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A])) return ModelFormat.Hdf5;
        if (head.Length >= 8 && head[4..8].SequenceEqual("TFL3"u8)) return ModelFormat.TfLite;
        if (head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8)) return ModelFormat.Tar;
        if (IsLegacyTorch(head)) return ModelFormat.PyTorchLegacy;
        if (IsSafetensors(head)) return ModelFormat.Safetensors;
        if (head.Length >= 2 && head[0] == 0x80 && head[1] <= 5) return ModelFormat.Pickle;
        if (IsZlib(head)) return ModelFormat.Zlib;
        if (LooksLikePickle(head)) return ModelFormat.Pickle;
        if (IsLzmaAlone(head)) return ModelFormat.Lzma;
        if (IsOnnx(head)) return ModelFormat.Onnx;
        return ModelFormat.Unknown;
    }

    /// <summary>
    /// A pickle of any protocol: PROTO and a known protocol, or (protocols 0 and 1 have no magic) a probe of the
    /// head through the pickle machine that runs at least three opcodes. Random bytes sometimes do too; the
    /// scanner then drops such a "pickle" only if it imports nothing (without an import nothing can be called).
    /// </summary>
    public static bool LooksLikePickle(ReadOnlySpan<byte> head)
    {
        if (head.Length < 2) return false;
        if (head[0] == 0x80) return head[1] <= 5 && Probe(head, minimumOpcodes: 2);
        return "(.012FGIJKLMNPQRSTUVXBCabcdeghijlopqrstu}])".Contains((char)head[0]) && Probe(head, minimumOpcodes: 3);
    }

    private static bool Probe(ReadOnlySpan<byte> head, int minimumOpcodes)
    {
        var bytes = head.Length > HeadLength ? head[..HeadLength].ToArray() : head.ToArray();
        var limits = new ScanLimits { MaxPickleOpcodes = 10_000, MaxPickleMemory = 1 << 20, MaxNestedPickleBytes = 0 };
        var trace = PickleMachine.Run(new PickleInput(new MemoryStream(bytes)), limits);
        // Opcodes that ran before a break count: a payload ahead of a broken tail is still a pickle.
        var valid = trace.Completed ? trace.Opcodes : trace.Opcodes - 1;
        return valid >= minimumOpcodes;
    }

    /// <summary>
    /// Legacy torch.save starts with a pickle of its magic number, in whatever pickle_protocol it was given
    /// (protocol 4 and 5 put a FRAME before it).
    /// </summary>
    private static bool IsLegacyTorch(ReadOnlySpan<byte> head)
    {
        if (head.Length < 2 + LegacyTorchMagic.Length || head[0] != 0x80 || head[1] is < 2 or > 5) return false;
        var rest = head[2..];
        if (rest[0] == 0x95 && rest.Length >= 9 + LegacyTorchMagic.Length) rest = rest[9..];
        return rest.StartsWith(LegacyTorchMagic);
    }

    /// <summary>8-byte little-endian header length, then a JSON object.</summary>
    private static bool IsSafetensors(ReadOnlySpan<byte> head)
    {
        if (head.Length < 10) return false;
        var length = BinaryPrimitives.ReadUInt64LittleEndian(head);
        return length is >= 2 and < 100_000_000 && head[8] == (byte)'{' && (head[9] is (byte)'"' or (byte)'}' or (byte)' ' or (byte)'\n');
    }

    /// <summary>
    /// RFC 1950 as zlib writes it (joblib's compress='zlib'): deflate with the 32 KiB window (0x78) and the header
    /// checksum. Smaller windows are valid but never written, and "(S" (a protocol 0 pickle) passes the checksum.
    /// </summary>
    private static bool IsZlib(ReadOnlySpan<byte> head) =>
        head.Length >= 2 && head[0] == 0x78 && ((head[0] << 8) | head[1]) % 31 == 0 && (head[1] & 0x20) == 0;

    /// <summary>The .lzma "alone" header Python's lzma.FORMAT_ALONE writes (joblib's compress='lzma').</summary>
    private static bool IsLzmaAlone(ReadOnlySpan<byte> head)
    {
        if (head.Length < 13 || head[0] >= 9 * 5 * 5) return false;
        var dictionary = BinaryPrimitives.ReadUInt32LittleEndian(head[1..]);
        var size = BinaryPrimitives.ReadUInt64LittleEndian(head[5..]);
        return dictionary is >= 1 << 12 and <= 1 << 30 && (dictionary & (dictionary - 1)) == 0 && (size == ulong.MaxValue || size < 1UL << 48);
    }

    /// <summary>
    /// ONNX ModelProto has no magic: field 1 (ir_version, a small varint) comes first as onnx writes it, and the
    /// next fields must be ModelProto's with their wire types.
    /// </summary>
    private static bool IsOnnx(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4 || head[0] != 0x08 || head[1] is 0 or > 20) return false;
        var reader = new ProtobufSpan(head[2..]);
        for (var fields = 0; fields < 4 && !reader.AtEnd; fields++)
        {
            if (!reader.TryTag(out var field, out var wire)) return fields > 0;
            var expected = field switch { 1 or 5 => 0, 2 or 3 or 4 or 6 or 7 or 8 or 14 or 20 or 25 => 2, _ => -1 };
            if (expected != wire) return false;
            if (!reader.TrySkip(wire)) return true; // the field runs past the head: fine for a sniff
        }
        return true;
    }

    /// <summary>Protobuf wire reading over a span, enough for the sniff.</summary>
    private ref struct ProtobufSpan(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public readonly bool AtEnd => _at >= _data.Length;

        public bool TryTag(out int field, out int wire)
        {
            field = wire = 0;
            if (!TryVarint(out var tag) || tag == 0 || tag > int.MaxValue) return false;
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return true;
        }

        public bool TrySkip(int wire)
        {
            if (wire == 0) return TryVarint(out _);
            if (!TryVarint(out var length)) return false;
            if ((ulong)(_data.Length - _at) < length) return false;
            _at += (int)length;
            return true;
        }

        private bool TryVarint(out ulong value)
        {
            value = 0;
            for (var shift = 0; shift < 64 && _at < _data.Length; shift += 7)
            {
                var b = _data[_at++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return true;
            }
            return false;
        }
    }
}

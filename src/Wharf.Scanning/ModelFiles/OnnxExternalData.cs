using System.Text;

namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// ONNX holds no code, but a tensor may keep its bytes in an external file named by a <c>location</c>; onnx
/// and onnxruntime open that path relative to the model's folder, so a location that leaves it (<c>../</c>,
/// an absolute path) reads any file of the machine. The protobuf is walked as a stream: only the messages on
/// the way to a TensorProto are entered, tensor bytes are skipped, so memory stays small for a 2 GB model.
/// </summary>
internal static class OnnxExternalData
{
    private enum Message { Model, Graph, Node, Attribute, Tensor, SparseTensor, TrainingInfo, Function, Entry }

    /// <summary>Which field of which message leads to which message (onnx.proto3), the rest is skipped.</summary>
    private static Message? Child(Message parent, int field) => (parent, field) switch
    {
        (Message.Model, 7) => Message.Graph,
        (Message.Model, 20) => Message.TrainingInfo,
        (Message.Model, 25) => Message.Function,
        (Message.TrainingInfo, 1 or 2) => Message.Graph,
        (Message.Graph, 1) => Message.Node,
        (Message.Graph, 5) => Message.Tensor,
        (Message.Graph, 15) => Message.SparseTensor,
        (Message.Function, 7) => Message.Node,
        (Message.Node, 5) => Message.Attribute,
        (Message.Attribute, 5 or 10) => Message.Tensor,
        (Message.Attribute, 6 or 11) => Message.Graph,
        (Message.Attribute, 22 or 23) => Message.SparseTensor,
        (Message.SparseTensor, 1 or 2) => Message.Tensor,
        (Message.Tensor, 13) => Message.Entry,
        _ => null,
    };

    public static void Check(Stream stream, ScanSession session, string location, ScanLimits limits)
    {
        var reader = new Reader(new BufferedStream(stream, 64 * 1024));
        Walk(reader, Message.Model, long.MaxValue, session, location, limits, 0);
    }

    private static void Walk(Reader reader, Message message, long end, ScanSession session, string location, ScanLimits limits, int depth)
    {
        if (depth > 64) throw new InvalidDataException("ONNX messages nested too deep");
        string? key = null, value = null;
        while (reader.Position < end && reader.TryReadTag(out var field, out var wire))
        {
            if (wire == 2)
            {
                var length = (long)reader.ReadVarint();
                if (length < 0 || reader.Position + length > end) throw new InvalidDataException("ONNX field runs past its message");
                if (message == Message.Entry && field is 1 or 2)
                {
                    if (length > limits.MaxHeaderBytes) throw new ScanLimitException("ONNX external-data entry too large");
                    var text = Encoding.UTF8.GetString(reader.ReadBytes((int)length));
                    if (field == 1) key = text; else value = text;
                }
                else if (Child(message, field) is { } child) Walk(reader, child, reader.Position + length, session, location, limits, depth + 1);
                else reader.Skip(length);
            }
            else reader.SkipScalar(wire);
        }
        if (message == Message.Entry && key == "location" && value is not null && Escapes(value))
            session.Add(ScanStatus.Unsafe, "onnx-external-data", $"external data location '{value}' leaves the model's folder", location);
    }

    private static bool Escapes(string path) => ZipDirectory.NameEscapes(path) || path.StartsWith('~');

    /// <summary>Protobuf wire format over a forward-only stream, counting its position.</summary>
    private sealed class Reader(Stream stream)
    {
        private readonly byte[] _skip = new byte[81920];

        public long Position { get; private set; }

        public bool TryReadTag(out int field, out int wire)
        {
            field = wire = 0;
            var first = stream.ReadByte();
            if (first < 0) return false;
            Position++;
            var tag = first < 0x80 ? (ulong)first : ((ulong)first & 0x7F) | (ReadVarint() << 7);
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            if (field == 0) throw new InvalidDataException("ONNX protobuf field 0");
            return true;
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = stream.ReadByte();
                if (b < 0) throw new EndOfStreamException("ONNX protobuf is truncated");
                Position++;
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw new InvalidDataException("ONNX varint too long");
        }

        public byte[] ReadBytes(int length)
        {
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            Position += length;
            return bytes;
        }

        public void Skip(long length)
        {
            while (length > 0)
            {
                var n = stream.Read(_skip, 0, (int)Math.Min(length, _skip.Length));
                if (n == 0) throw new EndOfStreamException("ONNX protobuf is truncated");
                length -= n;
                Position += n;
            }
        }

        public void SkipScalar(int wire)
        {
            switch (wire)
            {
                case 0: ReadVarint(); break;
                case 1: Skip(8); break;
                case 5: Skip(4); break;
                default: throw new InvalidDataException($"ONNX protobuf wire type {wire}");
            }
        }
    }
}

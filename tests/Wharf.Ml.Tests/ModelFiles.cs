using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Wharf.Ml.Tests;

/// <summary>Writes small but real safetensors and GGUF files with known tensors (data bytes are zeros).</summary>
public static class ModelFiles
{
    public sealed record Tensor(string Name, string Dtype, params long[] Shape);

    private static int Width(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        _ => 1,
    };

    public static byte[] Safetensors(IEnumerable<Tensor> tensors, IDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is not null)
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var t in tensors)
        {
            long bytes = t.Shape.Aggregate(1L, (a, b) => a * b) * Width(t.Dtype);
            header[t.Name] = new JsonObject
            {
                ["dtype"] = t.Dtype,
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        return SafetensorsRaw(header.ToJsonString(), offset);
    }

    /// <summary>A safetensors file with this exact header text and <paramref name="dataBytes"/> zero bytes after it.</summary>
    public static byte[] SafetensorsRaw(string headerJson, long dataBytes, ulong? declaredLength = null)
    {
        var json = Encoding.UTF8.GetBytes(headerJson);
        var file = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredLength ?? (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }

    /// <summary>A GGUF v3 file: metadata entries, a tokenizer-like string array, then tensor infos.</summary>
    public static byte[] Gguf(string architecture, uint fileType, uint contextLength, IEnumerable<Tensor> tensors, int version = 3,
        Action<GgufWriter>? extra = null)
    {
        var w = new GgufWriter();
        var list = tensors.ToList();
        w.Bytes("GGUF"u8).U32((uint)version).U64((ulong)list.Count).U64(5 + (extra is null ? 0UL : 1UL));
        w.Str("general.architecture").U32(8).Str(architecture);
        w.Str("general.name").U32(8).Str("tiny " + architecture);
        w.Str("general.file_type").U32(4).U32(fileType);
        w.Str(architecture + ".context_length").U32(4).U32(contextLength);
        w.Str("tokenizer.ggml.tokens").U32(9).U32(8).U64(3).Str("<s>").Str("</s>").Str("hello");
        extra?.Invoke(w);
        foreach (var t in list)
        {
            w.Str(t.Name).U32((uint)t.Shape.Length);
            foreach (long d in t.Shape) w.U64((ulong)d);
            w.U32(0).U64(0);
        }
        w.Bytes(new byte[64]); // alignment padding and a little tensor data
        return w.ToArray();
    }

    public sealed class GgufWriter
    {
        private readonly MemoryStream _out = new();

        public GgufWriter Bytes(ReadOnlySpan<byte> bytes) { _out.Write(bytes); return this; }
        public GgufWriter U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return Bytes(b); }
        public GgufWriter U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return Bytes(b); }
        public GgufWriter Str(string s) { var b = Encoding.UTF8.GetBytes(s); U64((ulong)b.Length); return Bytes(b); }
        public byte[] ToArray() => _out.ToArray();
    }
}

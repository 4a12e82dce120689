using System.Buffers.Binary;
using System.Text;

namespace Wharf.Ml.Formats;

/// <summary>What a GGUF header says about the model in it.</summary>
public sealed record GgufInfo(
    int Version,
    long TensorCount,
    string? Architecture,
    string? Name,
    int? FileType,
    string? Quantization,
    long? ContextLength,
    long ParameterCount,
    long MetadataCount);

/// <summary>
/// Reads a GGUF header (magic, version 2 or 3, metadata key/values, tensor infos) by range through a small window.
/// Every declared count and length is checked against what the file can hold before it is believed, so a hostile
/// header is refused without a large read or allocation; the header as a whole is bounded too.
/// </summary>
public static class GgufReader
{
    public const long MaxHeaderBytes = 64L * 1024 * 1024;
    private const int MaxKeyBytes = 64 * 1024;
    private const int MaxKeptStringBytes = 64 * 1024;
    private const int MaxDimensions = 8;

    public static async Task<ReadResult<GgufInfo>> ReadAsync(RangeSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        var cursor = new Cursor(source, Math.Min(source.Length, MaxHeaderBytes));
        try
        {
            return await ParseAsync(cursor, ct);
        }
        catch (GgufException e)
        {
            return ReadResult<GgufInfo>.Fail("gguf: " + e.Message);
        }
        catch (OverflowException)
        {
            return ReadResult<GgufInfo>.Fail("gguf: a declared size is too large to exist");
        }
    }

    private static async Task<ReadResult<GgufInfo>> ParseAsync(Cursor c, CancellationToken ct)
    {
        if (!(await c.TakeAsync(4, ct)).Span.SequenceEqual("GGUF"u8)) throw new GgufException("the file does not start with the GGUF magic");
        uint version = await c.U32Async(ct);
        if (version is not (2 or 3)) throw new GgufException($"version {version} is not supported (2 or 3)");
        ulong tensorCount = await c.U64Async(ct);
        ulong kvCount = await c.U64Async(ct);
        // Smallest possible entries: a key/value is an empty key (8), a type (4) and a one-byte value; a tensor
        // info is an empty name (8), a dimension count (4), a type (4) and an offset (8).
        c.Believable(kvCount, 13, "metadata entries");
        c.Believable(tensorCount, 24, "tensors");

        var kept = new Dictionary<string, object>(StringComparer.Ordinal);
        for (ulong i = 0; i < kvCount; i++)
        {
            string key = await c.StringAsync(MaxKeyBytes, ct) ?? throw new GgufException("a metadata key is too long");
            uint type = await c.U32Async(ct);
            object? value = await ValueAsync(c, type, Wanted(key), depth: 0, ct);
            if (value is not null) kept[key] = value;
        }

        long parameters = 0;
        for (ulong i = 0; i < tensorCount; i++)
        {
            await c.SkipStringAsync(ct);
            uint dims = await c.U32Async(ct);
            if (dims > MaxDimensions) throw new GgufException($"a tensor declares {dims} dimensions");
            long elements = 1;
            for (uint d = 0; d < dims; d++)
            {
                ulong size = await c.U64Async(ct);
                elements = checked(elements * checked((long)size));
            }
            await c.SkipAsync(4 + 8, ct); // ggml type, data offset
            parameters = checked(parameters + elements);
        }

        string? architecture = kept.GetValueOrDefault("general.architecture") as string;
        int? fileType = AsLong(kept.GetValueOrDefault("general.file_type")) is { } ft ? (int)ft : null;
        long? context = architecture is null ? null : AsLong(kept.GetValueOrDefault(architecture + ".context_length"));
        if (tensorCount == 0 && AsLong(kept.GetValueOrDefault("general.parameter_count")) is { } declared) parameters = declared;
        return new GgufInfo((int)version, (long)tensorCount, architecture, kept.GetValueOrDefault("general.name") as string,
            fileType, fileType is { } t ? GgufFileTypes.Name(t) : null, context, parameters, (long)kvCount);
    }

    private static bool Wanted(string key) =>
        key is "general.architecture" or "general.name" or "general.file_type" or "general.parameter_count"
        || key.EndsWith(".context_length", StringComparison.Ordinal);

    private static long? AsLong(object? value) => value switch
    {
        long l => l,
        ulong u when u <= long.MaxValue => (long)u,
        _ => null,
    };

    // GGUF value types: 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool, 8 string, 9 array, 10 u64, 11 i64, 12 f64.
    private static int FixedWidth(uint type) => type switch
    {
        0 or 1 or 7 => 1,
        2 or 3 => 2,
        4 or 5 or 6 => 4,
        10 or 11 or 12 => 8,
        _ => 0,
    };

    private static async Task<object?> ValueAsync(Cursor c, uint type, bool keep, int depth, CancellationToken ct)
    {
        switch (type)
        {
            case 8:
                if (keep) return await c.StringAsync(MaxKeptStringBytes, ct);
                await c.SkipStringAsync(ct);
                return null;
            case 9:
                if (depth > 2) throw new GgufException("arrays nested too deeply");
                uint elementType = await c.U32Async(ct);
                ulong count = await c.U64Async(ct);
                int width = FixedWidth(elementType);
                if (width > 0)
                {
                    c.Believable(count, width, "array elements");
                    await c.SkipAsync(checked((long)count * width), ct);
                    return null;
                }
                if (elementType is not (8 or 9)) throw new GgufException($"unknown array element type {elementType}");
                c.Believable(count, elementType == 8 ? 8 : 12, "array elements");
                for (ulong i = 0; i < count; i++) await ValueAsync(c, elementType, keep: false, depth + 1, ct);
                return null;
            default:
                int fixedWidth = FixedWidth(type);
                if (fixedWidth == 0) throw new GgufException($"unknown metadata value type {type}");
                var bytes = (await c.TakeAsync(fixedWidth, ct)).Span;
                if (!keep) return null;
                return type switch
                {
                    0 => (long)bytes[0],
                    1 => (long)(sbyte)bytes[0],
                    2 => (long)BinaryPrimitives.ReadUInt16LittleEndian(bytes),
                    3 => (long)BinaryPrimitives.ReadInt16LittleEndian(bytes),
                    4 => (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                    5 => (long)BinaryPrimitives.ReadInt32LittleEndian(bytes),
                    10 => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
                    11 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
                    _ => null,
                };
        }
    }

    private sealed class GgufException(string message) : Exception(message);

    /// <summary>A forward cursor over the header through a window of at most 64 KiB at a time.</summary>
    private sealed class Cursor(RangeSource source, long limit)
    {
        private const int Window = 64 * 1024;
        private long _position;
        private long _bufferStart;
        private ReadOnlyMemory<byte> _buffer = ReadOnlyMemory<byte>.Empty;

        /// <summary>Refuses a count whose smallest encoding would not fit in what is left of the header.</summary>
        public void Believable(ulong count, int minBytesEach, string what)
        {
            if (count > (ulong)((limit - _position) / minBytesEach))
                throw new GgufException($"{count} {what} cannot fit in the {limit - _position} bytes left of the header");
        }

        public async Task<ReadOnlyMemory<byte>> TakeAsync(int count, CancellationToken ct)
        {
            if (count > limit - _position) throw new GgufException(limit < source.Length
                ? $"the header is larger than the limit of {MaxHeaderBytes} bytes"
                : "the file ends inside its header");
            long offsetInBuffer = _position - _bufferStart;
            if (offsetInBuffer < 0 || offsetInBuffer + count > _buffer.Length)
            {
                _buffer = await source.ReadAsync(_position, Math.Max(count, Window), ct);
                _bufferStart = _position;
                offsetInBuffer = 0;
                if (_buffer.Length < count) throw new GgufException("the file ends inside its header");
            }
            _position += count;
            return _buffer.Slice((int)offsetInBuffer, count);
        }

        public Task SkipAsync(long count, CancellationToken ct)
        {
            if (count < 0 || count > limit - _position) throw new GgufException(limit < source.Length
                ? $"the header is larger than the limit of {MaxHeaderBytes} bytes"
                : "a declared length runs past the end of the file");
            _position += count;
            return Task.CompletedTask;
        }

        public async Task<uint> U32Async(CancellationToken ct) => BinaryPrimitives.ReadUInt32LittleEndian((await TakeAsync(4, ct)).Span);

        public async Task<ulong> U64Async(CancellationToken ct) => BinaryPrimitives.ReadUInt64LittleEndian((await TakeAsync(8, ct)).Span);

        /// <summary>A string of at most <paramref name="max"/> bytes, else skipped and null.</summary>
        public async Task<string?> StringAsync(int max, CancellationToken ct)
        {
            ulong length = await U64Async(ct);
            if (length > (ulong)max)
            {
                await SkipAsync(length > long.MaxValue ? long.MaxValue : (long)length, ct);
                return null;
            }
            var bytes = await TakeAsync((int)length, ct);
            return Encoding.UTF8.GetString(bytes.Span);
        }

        public async Task SkipStringAsync(CancellationToken ct)
        {
            ulong length = await U64Async(ct);
            await SkipAsync(length > long.MaxValue ? long.MaxValue : (long)length, ct);
        }
    }
}

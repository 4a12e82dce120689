using System.Buffers.Binary;
using System.Text.Json;

namespace Wharf.Ml.Formats;

/// <summary>What a safetensors header says: tensors, their dtypes, and the parameters they hold.</summary>
public sealed record SafetensorsInfo(
    int TensorCount,
    long ParameterCount,
    IReadOnlyDictionary<string, long> ParametersByDtype,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Reads a safetensors header (8-byte little-endian length, then that many bytes of JSON) by range, and checks it
/// against the file before trusting it: the declared length is bounded and must fit the file, and every tensor's
/// data_offsets must lie in the data section, match its shape and dtype, and not overlap another tensor's.
/// </summary>
public static class SafetensorsReader
{
    public const long MaxHeaderBytes = 100L * 1024 * 1024;
    private const int MaxTensors = 1_000_000;

    private static readonly Dictionary<string, int> DtypeBytes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["F8_E8M0"] = 1,
        ["U16"] = 2, ["I16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["U32"] = 4, ["I32"] = 4, ["F32"] = 4,
        ["U64"] = 8, ["I64"] = 8, ["F64"] = 8,
    };

    public static async Task<ReadResult<SafetensorsInfo>> ReadAsync(RangeSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (await source.ReadExactlyAsync(0, 8, ct) is not { } prefix)
            return Fail($"the file is {source.Length} bytes, shorter than the 8-byte header length");
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix.Span);
        // Checked before a single header byte is read or allocated.
        if (declared > MaxHeaderBytes)
            return Fail($"the header declares {declared} bytes, over the limit of {MaxHeaderBytes}");
        if ((long)declared > source.Length - 8)
            return Fail($"the header declares {declared} bytes, beyond the file's {source.Length} bytes");
        if (declared < 2) return Fail("the header is too short to be a JSON object");

        int headerLength = (int)declared;
        if (await source.ReadExactlyAsync(8, headerLength, ct) is not { } header)
            return Fail("the file ended inside its header");
        long dataLength = source.Length - 8 - headerLength;
        try
        {
            using var json = JsonDocument.Parse(header);
            return Parse(json.RootElement, dataLength);
        }
        catch (JsonException e)
        {
            return Fail($"the header is not valid JSON: {e.Message}");
        }
    }

    private static ReadResult<SafetensorsInfo> Parse(JsonElement root, long dataLength)
    {
        if (root.ValueKind != JsonValueKind.Object) return Fail("the header is not a JSON object");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var byDtype = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var ranges = new List<(long Begin, long End, string Name)>();
        long parameters = 0;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                if (property.Value.ValueKind != JsonValueKind.Object) return Fail("__metadata__ is not an object");
                foreach (var entry in property.Value.EnumerateObject())
                    if (entry.Value.ValueKind == JsonValueKind.String) metadata[entry.Name] = entry.Value.GetString()!;
                continue;
            }
            if (ranges.Count >= MaxTensors) return Fail($"more than {MaxTensors} tensors");
            var tensor = ParseTensor(property.Name, property.Value, dataLength);
            if (tensor.Error is { } error) return Fail(error);
            ranges.Add((tensor.Begin, tensor.End, property.Name));
            byDtype[tensor.Dtype!] = checked(byDtype.GetValueOrDefault(tensor.Dtype!) + tensor.Elements);
            parameters = checked(parameters + tensor.Elements);
        }
        ranges.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        for (int i = 1; i < ranges.Count; i++)
        {
            if (ranges[i].Begin < ranges[i - 1].End)
                return Fail($"tensor '{ranges[i].Name}' overlaps tensor '{ranges[i - 1].Name}'");
        }
        return new SafetensorsInfo(ranges.Count, parameters, byDtype, metadata);
    }

    private readonly record struct Tensor(string? Dtype, long Elements, long Begin, long End, string? Error);

    private static Tensor ParseTensor(string name, JsonElement value, long dataLength)
    {
        static Tensor Bad(string message) => new(null, 0, 0, 0, message);
        if (value.ValueKind != JsonValueKind.Object) return Bad($"tensor '{name}' is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            return Bad($"tensor '{name}' has no dtype");
        string dtype = dtypeElement.GetString()!;
        if (!DtypeBytes.TryGetValue(dtype, out int width)) return Bad($"tensor '{name}' has an unknown dtype '{dtype}'");
        if (!value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
            return Bad($"tensor '{name}' has no shape");
        long elements = 1;
        try
        {
            foreach (var dim in shape.EnumerateArray())
            {
                if (!dim.TryGetInt64(out long d) || d < 0) return Bad($"tensor '{name}' has a bad shape");
                elements = checked(elements * d);
            }
        }
        catch (OverflowException)
        {
            return Bad($"tensor '{name}' has a shape too large to exist");
        }
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end))
            return Bad($"tensor '{name}' has no data_offsets pair");
        if (begin < 0 || end < begin || end > dataLength)
            return Bad($"tensor '{name}' data_offsets [{begin}, {end}] lie outside the {dataLength}-byte data section");
        if (elements > (end - begin) / width || elements * width != end - begin)
            return Bad($"tensor '{name}' data_offsets span {end - begin} bytes, but its shape and {dtype} need {(elements > long.MaxValue / width ? "more" : (elements * width).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        return new Tensor(dtype, elements, begin, end, null);
    }

    private static ReadResult<SafetensorsInfo> Fail(string message) => ReadResult<SafetensorsInfo>.Fail("safetensors: " + message);
}

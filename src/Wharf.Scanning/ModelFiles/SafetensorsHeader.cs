using System.Buffers.Binary;
using System.Text.Json;

namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// safetensors holds no code: the verdict comes from the header alone (8-byte length, then JSON), so a 10 GB
/// file costs its header. A header that is not what the format says is a finding, since a loader that
/// tolerates it might do anything else too.
/// </summary>
internal static class SafetensorsHeader
{
    public static void Check(Stream stream, ScanSession session, string location, ScanLimits limits)
    {
        var prefix = new byte[8];
        stream.ReadExactly(prefix);
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > (ulong)limits.MaxHeaderBytes) throw new ScanLimitException($"safetensors header of {length} bytes");
        var header = new byte[length];
        stream.ReadExactly(header);
        using var json = JsonDocument.Parse(header);
        if (json.RootElement.ValueKind != JsonValueKind.Object) { Bad(session, location, "the header is not a JSON object"); return; }
        foreach (var tensor in json.RootElement.EnumerateObject())
        {
            if (tensor.Name == "__metadata__")
            {
                if (tensor.Value.ValueKind != JsonValueKind.Object || tensor.Value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                    Bad(session, location, "__metadata__ is not a map of strings");
                continue;
            }
            var t = tensor.Value;
            if (t.ValueKind != JsonValueKind.Object
                || !t.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
                || !t.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
                || !t.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            {
                Bad(session, location, $"tensor '{tensor.Name}' lacks dtype, shape or data_offsets");
                return;
            }
        }
    }

    private static void Bad(ScanSession session, string location, string why) =>
        session.Add(ScanStatus.Suspicious, "safetensors-header", $"malformed safetensors header: {why}", location);
}

using System.Text;
using System.Text.RegularExpressions;

namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// GGUF weights hold no code, but its chat template is a Jinja2 program that llama-cpp-python and others
/// render with a real Jinja2 (server-side template injection, CVE-2024-34359): a template that reaches
/// Python's internals is unsafe. Only the metadata is read, never the tensors.
/// </summary>
internal static partial class GgufMetadata
{
    public static void Check(Stream stream, ScanSession session, string location, ScanLimits limits)
    {
        var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        reader.ReadUInt32(); // "GGUF"
        var version = reader.ReadUInt32();
        if (version is 0 or > 3) { session.Add(ScanStatus.Suspicious, "gguf-header", $"unknown GGUF version {version}", location); return; }
        var wide = version >= 2; // version 1 counts and lengths are 32-bit
        _ = wide ? reader.ReadUInt64() : reader.ReadUInt32(); // tensor count
        var pairs = wide ? reader.ReadUInt64() : reader.ReadUInt32();
        if (pairs > 1_000_000) throw new ScanLimitException($"GGUF declares {pairs} metadata pairs");
        for (ulong i = 0; i < pairs; i++)
        {
            var key = ReadString(reader, wide, limits);
            var type = reader.ReadUInt32();
            if (type == 8 && key.StartsWith("tokenizer.chat_template", StringComparison.Ordinal))
                CheckTemplate(ReadString(reader, wide, limits), session, location, key);
            else
                Skip(reader, type, wide, limits, 0);
        }
    }

    /// <summary>Only the template's code (inside {{ }} and {% %}) is judged: prose in it may say anything.</summary>
    internal static void CheckTemplate(string template, ScanSession session, string location, string key)
    {
        foreach (Match block in JinjaCode().Matches(template))
        {
            var hit = Escape().Match(block.Value);
            if (!hit.Success) continue;
            session.Add(ScanStatus.Unsafe, "gguf-chat-template", $"{key} reaches Python internals ('{hit.Value}'): template injection", location);
            return;
        }
    }

    [GeneratedRegex(@"\{\{.*?\}\}|\{%.*?%\}", RegexOptions.Singleline)]
    private static partial Regex JinjaCode();

    /// <summary>Dunder attributes (also mid-name, as in _TemplateReference__context), the attr filter that builds them from strings, and the names of sandbox escapes.</summary>
    [GeneratedRegex(@"\w*__\w+|\|\s*attr\b|\battr\s*\(|\b(mro|subclasses|globals|builtins|import|popen|getattr|eval|exec|os\.system|subprocess|func_globals|f_globals|gi_frame|cr_frame)\b")]
    private static partial Regex Escape();

    private static string ReadString(BinaryReader reader, bool wide, ScanLimits limits)
    {
        var length = wide ? reader.ReadUInt64() : reader.ReadUInt32();
        if (length > (ulong)limits.MaxHeaderBytes) throw new ScanLimitException($"GGUF string of {length} bytes");
        return Encoding.UTF8.GetString(reader.ReadBytes((int)length));
    }

    private static void Skip(BinaryReader reader, uint type, bool wide, ScanLimits limits, int depth)
    {
        if (depth > 4) throw new InvalidDataException("GGUF arrays nested too deep");
        var fixedSize = FixedSize(type);
        if (fixedSize > 0) { Discard(reader, fixedSize); return; }
        if (type == 8) { var n = wide ? reader.ReadUInt64() : reader.ReadUInt32(); Discard(reader, (long)n); return; }
        if (type != 9) throw new InvalidDataException($"unknown GGUF value type {type}");
        var itemType = reader.ReadUInt32();
        var count = wide ? reader.ReadUInt64() : reader.ReadUInt32();
        var itemSize = FixedSize(itemType);
        if (itemSize > 0) { Discard(reader, checked((long)count * itemSize)); return; }
        for (ulong i = 0; i < count; i++) Skip(reader, itemType, wide, limits, depth + 1);
    }

    private static int FixedSize(uint type) => type switch
    {
        0 or 1 or 7 => 1,
        2 or 3 => 2,
        4 or 5 or 6 => 4,
        10 or 11 or 12 => 8,
        _ => 0,
    };

    private static void Discard(BinaryReader reader, long count)
    {
        if (count < 0) throw new InvalidDataException("negative GGUF length");
        var buffer = new byte[(int)Math.Min(count, 81920)];
        while (count > 0)
        {
            var n = reader.Read(buffer, 0, (int)Math.Min(count, buffer.Length));
            if (n == 0) throw new EndOfStreamException("GGUF metadata is truncated");
            count -= n;
        }
    }
}

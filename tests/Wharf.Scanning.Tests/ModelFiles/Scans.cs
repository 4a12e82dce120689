using Wharf.Scanning.ModelFiles;

namespace Wharf.Scanning.Tests.ModelFiles;

/// <summary>Scanning helpers shared by the model-file tests.</summary>
internal static class Scans
{
    public static ModelFileReport Bytes(byte[] content, ScanLimits? limits = null) =>
        ModelFileScanner.Scan(new MemoryStream(content), "test", limits ?? ScanLimits.Default, default);

    /// <summary>As a layer's tar entry arrives: forward-only, so nothing can seek.</summary>
    public static ModelFileReport ForwardOnly(byte[] content, ScanLimits? limits = null) =>
        ModelFileScanner.Scan(new ForwardOnlyStream(new MemoryStream(content)), "test", limits ?? ScanLimits.Default, default);

    public static async Task<ModelFileReport> FileAsync(string name)
    {
        await using var stream = File.OpenRead(ModelFilesFixture.PathOf(name));
        return await ModelFileScanner.ScanAsync(stream, name, ScanLimits.Default, default);
    }

    public static string Describe(ModelFileReport report) =>
        $"{report.Path}: {report.Format} {report.Status} [{string.Join(", ", report.Imports)}]\n"
        + string.Join("\n", report.Findings.Select(f => $"  {f.Severity} {f.Rule}: {f.Message} @ {f.Location}"));

    /// <summary>Latin-1 bytes of a protocol 0 text, which is how those opcodes are written.</summary>
    public static byte[] Latin1(string text) => System.Text.Encoding.Latin1.GetBytes(text);

    /// <summary>
    /// A pickle written as Python writes bytes literals, in a C# verbatim string: \xHH is exactly two digits
    /// (C#'s own \x takes up to four, so "\x02c" would not be 0x02 'c'), and \n is a newline.
    /// </summary>
    public static byte[] Py(string literal)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < literal.Length; i++)
        {
            if (literal[i] == '\\' && i + 1 < literal.Length && literal[i + 1] == 'x')
            {
                bytes.Add(Convert.ToByte(literal.Substring(i + 2, 2), 16));
                i += 3;
            }
            else if (literal[i] == '\\' && i + 1 < literal.Length && literal[i + 1] == 'n') { bytes.Add((byte)'\n'); i++; }
            else bytes.Add(checked((byte)literal[i]));
        }
        return [.. bytes];
    }
}

internal sealed class ForwardOnlyStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1000));
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// One file's scan: the imports and findings of every pickle and container inside it, gathered in order,
/// and the budget they all share. Each nested format is dispatched by its own first bytes.
/// </summary>
internal sealed partial class ScanSession(ScanBudget budget)
{
    private readonly HashSet<string> _seenImports = new(StringComparer.Ordinal);

    public List<string> Imports { get; } = [];
    public List<ModelFileFinding> Findings { get; } = [];
    private ScanLimits Limits => budget.Limits;

    internal ScanLimits LimitsForNested => budget.Limits;

    /// <summary>Scans the top-level file and returns its format, refined by what was inside it.</summary>
    public ModelFormat ScanFile(Stream content)
    {
        var format = Scan(content, "", 0, null);
        if (format == ModelFormat.Pickle && Imports.Any(i => i.EndsWith(".NumpyArrayWrapper", StringComparison.Ordinal))) return ModelFormat.Joblib;
        return format;
    }

    public void Add(ScanStatus severity, string rule, string message, string location) =>
        Findings.Add(new ModelFileFinding(severity, rule, message, location));

    private static string At(string location, long offset) =>
        location.Length == 0 ? $"offset {offset}" : $"{location}, offset {offset}";

    private static string Member(string location, string name) => location.Length == 0 ? name : location + "/" + name;

    private void AddImport(string fullName)
    {
        if (_seenImports.Add(fullName)) Imports.Add(fullName);
    }

    /// <summary>
    /// Sniffs <paramref name="stream"/> and hands it to its format's reader. Limits and parse errors become
    /// findings here, so one bad member never hides the findings of the others.
    /// </summary>
    public ModelFormat Scan(Stream stream, string location, int depth, LoaderProfile? profile)
    {
        budget.Token.ThrowIfCancellationRequested();
        if (depth > Limits.MaxDepth)
        {
            Add(ScanStatus.Suspicious, "scan-limit", $"nested deeper than {Limits.MaxDepth} containers; not scanned", location);
            return ModelFormat.Unknown;
        }
        var start = stream.CanSeek ? stream.Position : 0;
        var head = new byte[ModelFileSniffer.HeadLength];
        var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..length];
        var format = ModelFileSniffer.Sniff(head);
        Stream whole = stream.CanSeek ? stream : new HeadStream(head, stream);
        if (stream.CanSeek) stream.Position = start;
        try
        {
            return Dispatch(format, whole, head, location, depth, profile);
        }
        catch (ScanLimitException e)
        {
            Add(ScanStatus.Suspicious, "scan-limit", e.Message, location);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or FormatException
            or System.Text.Json.JsonException or NotSupportedException or ArgumentException or InvalidOperationException
            or IndexOutOfRangeException or OverflowException or SharpCompress.Common.ArchiveException)
        {
            // A model file that our reader cannot read is one we cannot vouch for: fail closed.
            Add(ScanStatus.Suspicious, "unreadable", $"{format} could not be read: {e.Message}", location);
        }
        return format;
    }

    private ModelFormat Dispatch(ModelFormat format, Stream stream, byte[] head, string location, int depth, LoaderProfile? profile)
    {
        switch (format)
        {
            case ModelFormat.Pickle:
                ScanPickleStream(stream, location, depth, profile ?? LoaderProfiles.Pickle, stream.CanSeek ? stream.Position : 0, sniffedByProbe: head[0] != 0x80);
                return format;
            case ModelFormat.PyTorchLegacy: ScanLegacyTorch(stream, location, depth); return format;
            case ModelFormat.Numpy: ScanNpy(stream, location, depth); return format;
            case ModelFormat.Zip: return WithSeekable(stream, location, s => ScanZip(s, location, depth, profile));
            case ModelFormat.SevenZip: return WithSeekable(stream, location, s => ScanSevenZip(s, location, depth, profile));
            case ModelFormat.Hdf5: return WithSeekable(stream, location, s => { KerasConfig.CheckHdf5(s, this, location); return format; });
            case ModelFormat.Tar: ScanTar(stream, location, depth, profile); return format;
            case ModelFormat.Gzip or ModelFormat.Zlib or ModelFormat.Bzip2 or ModelFormat.Xz or ModelFormat.Lzma:
                return ScanCompressed(format, stream, location, depth, profile);
            case ModelFormat.Safetensors: SafetensorsHeader.Check(stream, this, location, Limits); return format;
            case ModelFormat.Gguf: GgufMetadata.Check(stream, this, location, Limits); return format;
            case ModelFormat.Onnx: OnnxExternalData.Check(stream, this, location, Limits); return format;
            default: return format; // TFLite (flatbuffers, no code) and files that are no model at all
        }
    }

    /// <summary>
    /// Random-access formats: a seekable input is read in place; a forward-only one is copied to memory up to
    /// <see cref="ScanLimits.MaxInMemoryBytes"/>, then to a temporary file deleted on close, up to
    /// <see cref="ScanLimits.MaxBufferedBytes"/>.
    /// </summary>
    private ModelFormat WithSeekable(Stream stream, string location, Func<Stream, ModelFormat> scan)
    {
        if (stream.CanSeek) return scan(stream);
        var memory = new MemoryStream();
        Stream copy = memory;
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                budget.Token.ThrowIfCancellationRequested();
                if (copy.Length + read > Limits.MaxBufferedBytes) throw new ScanLimitException($"larger than {Limits.MaxBufferedBytes} bytes; not buffered for reading");
                if (copy == memory && memory.Length + read > Limits.MaxInMemoryBytes)
                {
                    copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
                    memory.Position = 0;
                    memory.CopyTo(copy);
                    memory.Dispose();
                }
                copy.Write(chunk, 0, read);
            }
            copy.Position = 0;
            return scan(copy);
        }
        finally
        {
            copy.Dispose();
        }
    }
}

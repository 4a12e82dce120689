namespace Wharf.Scanning.ModelFiles;

/// <summary>What a file is, judged from its bytes alone (never its name).</summary>
public enum ModelFormat
{
    Unknown,
    Pickle,
    PyTorchZip,
    PyTorchLegacy,
    Joblib,
    Numpy,
    NumpyZip,
    Safetensors,
    Gguf,
    Onnx,
    Keras,
    Hdf5,
    TfLite,
    SevenZip,
    Zip,
    Tar,
    Gzip,
    Zlib,
    Bzip2,
    Xz,
    Lzma,
}

/// <summary>The Hub's three verdicts; ordered so that the worst of several is the maximum.</summary>
public enum ScanStatus
{
    Safe,
    Suspicious,
    Unsafe,
}

/// <summary>One reason a file is not safe. <paramref name="Rule"/> names the analysis that found it.</summary>
/// <param name="Location">Where inside the file: a member path and/or a byte offset; empty for the file itself.</param>
public sealed record ModelFileFinding(ScanStatus Severity, string Rule, string Message, string Location);

/// <summary>
/// The verdict on one file. <paramref name="Imports"/> is the Hub's "Detected pickle imports": every
/// <c>module.qualname</c> a pickle in it would import, deduplicated, in the order first seen.
/// </summary>
public sealed record ModelFileReport(
    string Path,
    ModelFormat Format,
    ScanStatus Status,
    IReadOnlyList<string> Imports,
    IReadOnlyList<ModelFileFinding> Findings);

/// <summary>
/// Bounds on what one scan may cost. Exceeding any of them is a finding (suspicious), never a silent "safe":
/// a file we could not read to the end is a file we cannot vouch for.
/// </summary>
public sealed record ScanLimits
{
    /// <summary>Containers inside containers (a pickle in a zip in a tar is depth 3).</summary>
    public int MaxDepth { get; init; } = 6;

    /// <summary>Members of one archive (zip, tar, 7z).</summary>
    public int MaxMembers { get; init; } = 100_000;

    /// <summary>Bytes produced by decompression over the whole scan.</summary>
    public long MaxExpandedBytes { get; init; } = 64L << 30;

    /// <summary>Expanded/compressed ratio allowed once a stream has produced more than a MiB (zip bombs).</summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>A random-access container (zip, 7z, HDF5) larger than this is not copied aside to be read.</summary>
    public long MaxBufferedBytes { get; init; } = 16L << 30;

    /// <summary>Up to this size a container is buffered in memory; above it, in a temporary file.</summary>
    public int MaxInMemoryBytes { get; init; } = 32 << 20;

    /// <summary>Opcodes one pickle may execute.</summary>
    public long MaxPickleOpcodes { get; init; } = 50_000_000;

    /// <summary>Bytes of strings, byte strings and containers one pickle machine may hold at once.</summary>
    public long MaxPickleMemory { get; init; } = 256L << 20;

    /// <summary>A byte string up to this size is kept whole, so a pickle hidden inside it can be scanned.</summary>
    public int MaxNestedPickleBytes { get; init; } = 16 << 20;

    /// <summary>Header or metadata documents (safetensors JSON, Keras config, ONNX, GGUF strings).</summary>
    public int MaxHeaderBytes { get; init; } = 100 << 20;

    public static ScanLimits Default { get; } = new();
}

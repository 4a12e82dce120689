namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// The model-file scanner: what a file is (by content), and whether loading it can run code. Works on a
/// forward-only stream (a layer's tar entry); only the formats that need random access (zip, 7z, HDF5) are
/// copied aside, to memory or a temporary file, within <see cref="ScanLimits.MaxBufferedBytes"/>.
/// </summary>
public static class ModelFileScanner
{
    /// <param name="content">The file's bytes from its first byte; read once, not disposed.</param>
    /// <param name="path">Where the file is, for the report only: the name never decides the format.</param>
    public static async Task<ModelFileReport> ScanAsync(Stream content, string path, ScanLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(limits);
        // The readers are synchronous parsers over spans; a thread-pool thread keeps the caller's async context free.
        return await Task.Run(() => Scan(content, path, limits, ct), ct).ConfigureAwait(false);
    }

    /// <summary>The synchronous core of <see cref="ScanAsync"/>, for callers already on a worker thread.</summary>
    public static ModelFileReport Scan(Stream content, string path, ScanLimits limits, CancellationToken ct)
    {
        var session = new ScanSession(new ScanBudget(limits, ct));
        var format = session.ScanFile(content);
        var status = session.Findings.Count == 0 ? ScanStatus.Safe : session.Findings.Max(f => f.Severity);
        return new ModelFileReport(path, format, status, session.Imports, session.Findings);
    }
}

namespace Wharf.Cli.Serve;

/// <summary>
/// DATA/wharf.lock, held open with FileShare.None for as long as `wharf serve` runs. On Linux .NET takes an
/// advisory flock for it, which the kernel drops when the process dies (even by SIGKILL), so a crash never
/// leaves a stale lock; a second server on the same SQLite file and blob folder is refused instead of
/// started beside the first. Admin commands (`wharf user add --data`) do not take it: they are meant to run
/// beside the server.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "wharf.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>The lock, or null when another process holds it.</summary>
    public static DataDirectoryLock? TryAcquire(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        string path = Path.Combine(dataDirectory, FileName);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // Who holds it, for the operator who finds the file; the lock itself is the open handle.
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true)) writer.Write($"{Environment.ProcessId}\n");
            file.Flush(flushToDisk: false);
            return new DataDirectoryLock(file);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}

namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// The current OSV database of a configured directory (the host binds <c>Scanning:Database</c>), reloaded without a
/// restart when the directory changes. A FileSystemWatcher gives prompt notice where it works; a poll of the file
/// listing (names, sizes, times) catches what it misses (network filesystems, a directory swapped by rename).
/// A reload builds a whole new <see cref="OsvDatabase"/> and swaps the reference, so readers never block or see a mix.
/// </summary>
public sealed class OsvDatabaseSource : IDisposable
{
    private readonly string _directory;
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer _poll;
    private readonly ITimer _settle;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(500);
    private OsvDatabase _current = OsvDatabase.Empty;
    private string _listing = "";

    public OsvDatabaseSource(string directory, TimeProvider time, TimeSpan pollInterval)
    {
        _directory = Path.GetFullPath(directory);
        if (Directory.Exists(_directory))
        {
            _watcher = new FileSystemWatcher(_directory) { IncludeSubdirectories = true, EnableRaisingEvents = true };
            _watcher.Changed += OnChange;
            _watcher.Created += OnChange;
            _watcher.Deleted += OnChange;
            _watcher.Renamed += OnChange;
        }
        _poll = time.CreateTimer(_ => _ = ReloadIfChangedAsync(CancellationToken.None), null, pollInterval, pollInterval);
        _settle = time.CreateTimer(_ => _ = ReloadIfChangedAsync(CancellationToken.None), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The database scans should use now; <see cref="OsvDatabase.Empty"/> until the first load.</summary>
    public OsvDatabase Current => Volatile.Read(ref _current);

    /// <summary>Raised after a new database was swapped in (the host can queue rescans on it).</summary>
    public event Action<OsvDatabase>? Reloaded;

    /// <summary>The last load error, if the directory could not be read; the previous database stays in use.</summary>
    public string? LastError { get; private set; }

    /// <summary>Loads when the listing differs from the loaded one; returns whether a new database was swapped in.</summary>
    public async Task<bool> ReloadIfChangedAsync(CancellationToken ct)
    {
        await _reloading.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var listing = Listing();
            if (listing == _listing) return false;
            // Loading is CPU-bound and parallel inside; keep it off the caller's (timer or watcher) thread.
            var loaded = await Task.Run(() => OsvDatabase.Load(_directory, ct), ct).ConfigureAwait(false);
            _listing = listing;
            var changed = loaded.Version != Current.Version;
            Volatile.Write(ref _current, loaded);
            LastError = null;
            if (changed) Reloaded?.Invoke(loaded);
            return changed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LastError = e.Message;
            return false;
        }
        finally
        {
            _reloading.Release();
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        // Notifications arrive while files are still being written (a copy, a git pull): wait for a quiet moment, so a
        // half-written advisory is not loaded. Each notification pushes the reload back.
        if (OsvDatabase.IsOsvFile(e.FullPath) || e.ChangeType is WatcherChangeTypes.Deleted or WatcherChangeTypes.Renamed)
            _settle.Change(SettleTime, Timeout.InfiniteTimeSpan);
    }

    private string Listing()
    {
        if (!Directory.Exists(_directory)) return "";
        var hash = new HashCode();
        var count = 0;
        foreach (var f in new DirectoryInfo(_directory).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                     .Where(f => OsvDatabase.IsOsvFile(f.Name)).OrderBy(f => f.FullName, StringComparer.Ordinal))
        {
            hash.Add(f.FullName);
            hash.Add(f.Length);
            hash.Add(f.LastWriteTimeUtc.Ticks);
            count++;
        }
        return $"{count}:{hash.ToHashCode()}";
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _poll.Dispose();
        _settle.Dispose();
        _reloading.Dispose();
    }
}

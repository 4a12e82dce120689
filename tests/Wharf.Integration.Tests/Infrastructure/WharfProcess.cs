using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// The real <c>wharf serve</c> process on a free loopback port with its own data folder. It can be killed with
/// SIGKILL and started again on the same port and data, and it keeps everything the server printed so a failing
/// test can show it.
/// </summary>
public sealed class WharfProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly List<string> _log = [];
    private readonly bool _ownsDataDir;
    private Process? _process;
    private int _generation;
    private string? _database;

    private WharfProcess(string dataDir, bool ownsDataDir, int port, WharfOptions options)
    {
        DataDir = dataDir;
        _ownsDataDir = ownsDataDir;
        Port = port;
        Options = options;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public string DataDir { get; }

    /// <summary>The PostgreSQL database the server's metadata lives in, when the tests made it one; null: SQLite in <see cref="DataDir"/>.</summary>
    public string? MetadataDatabase => _database;
    public int Port { get; }
    public WharfOptions Options { get; }
    public Uri BaseAddress { get; }

    /// <summary>host:port, as OCI clients write it in an image reference.</summary>
    public string HostPort => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server on a fresh temporary data folder (or <see cref="WharfOptions.DataDir"/>).</summary>
    public static async Task<WharfProcess> StartAsync(WharfOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = TestStorage.Apply(options ?? new WharfOptions());
        (options, string? database) = await TestMetadata.ApplyAsync(options, cancellationToken);
        bool owns = options.DataDir is null;
        string dataDir = options.DataDir ?? TempDirs.Create("wharf-data");
        var server = new WharfProcess(dataDir, owns, FreeLoopbackPort(), options) { _database = database };
        try
        {
            await server.LaunchAsync(cancellationToken);
            if (database is not null) await TestMetadata.CheckMigratedAsync(database, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Everything the server printed so far, across restarts.</summary>
    public string Log
    {
        get
        {
            lock (_gate) return string.Join('\n', _log);
        }
    }

    /// <summary>Number of log lines so far; pass it to <see cref="LogSince"/> to read a slice.</summary>
    public int LogLineCount
    {
        get
        {
            lock (_gate) return _log.Count;
        }
    }

    public string LogSince(int line)
    {
        lock (_gate) return string.Join('\n', _log.Skip(line));
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; the closest thing to pulling the plug.</summary>
    public async Task KillAsync()
    {
        var process = _process;
        if (process is null) return;
        if (!process.HasExited)
        {
            Append("[harness] SIGKILL");
            process.Kill(entireProcessTree: true);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port and data folder (after <see cref="KillAsync"/>).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await KillAsync();
        await LaunchAsync(cancellationToken);
    }

    /// <summary>A client for this server; its requests and answers are written into <see cref="Log"/>.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) => CreateClient(timeout, transcript: true);

    private HttpClient CreateClient(TimeSpan? timeout, bool transcript)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        HttpMessageHandler outer = transcript ? new TranscriptHandler(Append) { InnerHandler = handler } : handler;
        return new HttpClient(outer) { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone.
        }
        if (_ownsDataDir) TempDirs.Delete(DataDir);
        if (_database is not null) await TestMetadata.DropDatabaseAsync(_database);
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        int generation = Interlocked.Increment(ref _generation);
        var info = new ProcessStartInfo(WharfBinary.DotNetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = DataDir,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(WharfBinary.DllPath);
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add("--listen");
        info.ArgumentList.Add($"127.0.0.1:{Port}");
        info.ArgumentList.Add("--data");
        info.ArgumentList.Add(DataDir);
        if (Options.ConfigFile is not null)
        {
            info.ArgumentList.Add("--config");
            info.ArgumentList.Add(Options.ConfigFile);
        }
        foreach (string arg in Options.ExtraArguments) info.ArgumentList.Add(arg);

        // The server sees only the configuration the test gives it.
        foreach (string key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("WHARF__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase))
                info.Environment.Remove(key);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in Options.Environment) info.Environment[key] = value;

        Append($"[harness] start #{generation}: {info.FileName} {string.Join(' ', info.ArgumentList)}");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Append(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Append("[stderr] " + e.Data); };
        if (!process.Start()) throw new InvalidOperationException("could not start wharf");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Reaper.Track(process);

        await WaitHealthyAsync(process, cancellationToken);
        Append($"[harness] healthy #{generation}");
    }

    private async Task WaitHealthyAsync(Process process, CancellationToken cancellationToken)
    {
        using var client = CreateClient(TimeSpan.FromSeconds(5), transcript: false);
        var deadline = Stopwatch.StartNew();
        string last = "no answer";
        while (deadline.Elapsed < StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await Task.Delay(200, cancellationToken); // let the output readers drain
                throw new InvalidOperationException(
                    $"wharf serve exited with code {process.ExitCode} before it was healthy.\n--- server output ---\n{Log}");
            }
            try
            {
                using var response = await client.GetAsync("healthz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"/healthz answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "/healthz timed out";
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"wharf serve was not healthy within {StartTimeout.TotalSeconds} s ({last}).\n--- server output ---\n{Log}");
    }

    private void Append(string line)
    {
        lock (_gate) _log.Add(line);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>How to start a <see cref="WharfProcess"/>.</summary>
public sealed record WharfOptions
{
    /// <summary>Use this data folder (kept afterwards) instead of a fresh temporary one.</summary>
    public string? DataDir { get; init; }

    /// <summary>Passed as <c>--config</c>.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Extra environment, e.g. <c>WHARF__LIMITS__MAXMANIFESTBYTES</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}

/// <summary>
/// Writes each request and its answer into the server's log, between the lines the server prints, so a failing
/// test shows the conversation that led to it; error bodies (small ones) are included.
/// </summary>
internal sealed class TranscriptHandler(Action<string> append) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string what = $"[client] {request.Method} {request.RequestUri?.PathAndQuery}";
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception e)
        {
            append($"{what} → {e.GetType().Name}: {e.Message}");
            throw;
        }
        string line = $"{what} → {(int)response.StatusCode}";
        if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentLength is > 0 and < 4096)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            line += " " + await response.Content.ReadAsStringAsync(cancellationToken);
        }
        append(line);
        return response;
    }
}

/// <summary>Kills every server the tests started if the test host itself goes away.</summary>
internal static class Reaper
{
    private static readonly Lock Gate = new();
    private static readonly List<Process> Live = [];

    static Reaper()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    public static void Track(Process process)
    {
        lock (Gate)
        {
            Live.RemoveAll(p => { try { return p.HasExited; } catch (InvalidOperationException) { return true; } });
            Live.Add(process);
        }
    }

    private static void KillAll()
    {
        lock (Gate)
        {
            foreach (var process in Live)
            {
                try
                {
                    if (!process.HasExited) process.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Already gone or disposed.
                }
            }
        }
    }
}

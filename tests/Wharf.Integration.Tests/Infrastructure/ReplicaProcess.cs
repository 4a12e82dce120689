using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// One <c>wharf serve</c> process on a fixed loopback port and data folder: started, checked healthy on
/// <c>/healthz</c>, killed with SIGKILL and started again. What it prints goes to the owner's log, prefixed.
/// </summary>
internal sealed class ReplicaProcess(int port, string dataDir, WharfOptions options, string logPrefix, Action<string> append)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private Process? _process;
    private int _generation;

    public int Port { get; } = port;
    public string DataDir { get; } = dataDir;
    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{port}/");
    public bool IsRunning => _process is { HasExited: false };

    public async Task LaunchAsync(CancellationToken cancellationToken)
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
        if (options.ConfigFile is not null)
        {
            info.ArgumentList.Add("--config");
            info.ArgumentList.Add(options.ConfigFile);
        }
        foreach (string arg in options.ExtraArguments) info.ArgumentList.Add(arg);

        // The server sees only the configuration the test gives it.
        foreach (string key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("WHARF__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase))
                info.Environment.Remove(key);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in options.Environment) info.Environment[key] = value;

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

    private async Task WaitHealthyAsync(Process process, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        string last = "no answer";
        while (deadline.Elapsed < StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await Task.Delay(200, cancellationToken); // let the output readers drain
                throw new InvalidOperationException($"wharf serve ({logPrefix.Trim()}) exited with code {process.ExitCode} before it was healthy.");
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
        throw new TimeoutException($"wharf serve ({logPrefix.Trim()}) was not healthy within {StartTimeout.TotalSeconds} s ({last}).");
    }

    private void Append(string line) => append(logPrefix + line);

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>Kills every process the tests started if the test host itself goes away.</summary>
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

using System.Diagnostics;
using System.Text;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Cli;

/// <summary>
/// What `wharf serve` says when it starts, and how it refuses to start beside another server. One server of its
/// own (never replicas behind a balancer), since the data directory and the port are what is tested.
/// </summary>
public sealed class CliServeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private WharfProcess? _server;

    private WharfProcess Server => _server ?? throw new InvalidOperationException("server not started");
    private ITestOutputHelper Output { get; } = output;

    public async Task InitializeAsync() => _server = await WharfProcess.StartAsync(new WharfOptions { Replicas = 1 });

    public async Task DisposeAsync()
    {
        if (_server is null) return;
        ServerLog.Write(Output, _server);
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_banner_replaces_the_generic_startup_lines()
    {
        // The banner is printed just after the port is bound, so the health check can answer a moment before it.
        string log = await WaitForLogAsync("stop with Ctrl+C");
        Assert.Contains("Wharf ", log, StringComparison.Ordinal);
        Assert.Contains($"listening  http://{Server.HostPort}", log, StringComparison.Ordinal);
        Assert.Contains($"data       {Server.DataDir}", log, StringComparison.Ordinal);
        Assert.Matches("blobs      (filesystem|s3)", log);
        Assert.Matches("metadata   (sqlite|postgres)", log);
        Assert.Contains("access     open on loopback", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Content root path", log, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_is_refused()
    {
        using var cli = new WharfCli(Output);
        var second = await cli.TryRunAsync(TimeSpan.FromMinutes(1), "serve", "--listen", $"127.0.0.1:{ReplicaProcess.FreeLoopbackPort()}", "--data", Server.DataDir);
        Assert.Equal(2, second.ExitCode);
        Assert.Equal($"error: another wharf serve is using the data directory {Server.DataDir} (wharf.lock is locked); stop it first or give another --data",
            second.StdErr.Trim());
        Assert.True(Server.IsRunning);
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_and_exit_code_2()
    {
        using var dir = new TempDirectory();
        using var cli = new WharfCli(Output);
        var second = await cli.TryRunAsync(TimeSpan.FromMinutes(1), "serve", "--listen", Server.HostPort, "--data", dir.Sub("data"));
        Assert.Equal(2, second.ExitCode);
        Assert.Equal($"error: cannot listen on {Server.HostPort}: the address is already in use "
            + "(another process holds the port; stop it or choose another with --listen)", second.StdErr.Trim());
        Assert.DoesNotContain("   at ", second.StdOut + second.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_beyond_loopback_on_plain_http_are_warned_about()
    {
        using var dir = new TempDirectory();
        using var cli = new WharfCli(Output);
        string data = dir.Sub("data");
        cli.StandardInput = "a-long-password\n";
        await cli.RunAsync("user", "add", "admin", "--admin", "--data", data);

        var info = new ProcessStartInfo(WharfBinary.DotNetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string arg in new[] { WharfBinary.DllPath, "serve", "--listen", $"0.0.0.0:{ReplicaProcess.FreeLoopbackPort()}", "--data", data })
            info.ArgumentList.Add(arg);
        var printed = new StringBuilder();
        var done = new TaskCompletionSource();
        using var server = new Process { StartInfo = info };
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (printed) printed.AppendLine(e.Data);
            if (e.Data.Contains("stop with Ctrl+C", StringComparison.Ordinal)) done.TrySetResult();
        };
        server.Start();
        server.BeginOutputReadLine();
        try
        {
            await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        string banner = printed.ToString();
        Output.WriteLine(banner);
        Assert.Contains("access     users: pushes and private pulls need a login", banner, StringComparison.Ordinal);
        Assert.Contains("WARNING    plain HTTP beyond loopback: passwords and tokens travel in clear", banner, StringComparison.Ordinal);
    }

    private async Task<string> WaitForLogAsync(string line)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
        {
            if (Server.Log.Contains(line, StringComparison.Ordinal)) return Server.Log;
        }
        return Server.Log;
    }
}

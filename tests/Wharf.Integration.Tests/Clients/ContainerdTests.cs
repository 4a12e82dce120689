using System.Diagnostics;
using System.Text;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Wharf.Integration.Tests.Clients;

/// <summary>
/// containerd's <c>ctr images pull</c>, the path a Kubernetes node takes, against the real server. containerd runs
/// privately: its own root, state and socket in a temporary folder, the CRI plugin off.
/// </summary>
public sealed class ContainerdTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [ToolFact("containerd", "ctr", "setsid", Prerequisites.Root)]
    public async Task Ctr_pulls_and_unpacks_an_image_and_a_multi_arch_index()
    {
        Prerequisites.Require("containerd", "ctr", "setsid", Prerequisites.Root);
        var image = Images.Random(layers: 3);
        var index = Images.Index(layers: 2);
        await Registry.PushImageAsync("ctr/image", image, "v1");
        await Registry.PushImageAsync("ctr/index", index, "multi");

        await using var containerd = await ContainerdDaemon.StartAsync(Output);

        foreach (var (reference, top, platformImage) in new[]
                 {
                     ($"{Server.HostPort}/ctr/image:v1", image, image),
                     ($"{Server.HostPort}/ctr/index:multi", index, index.Children.Single(c => c.Platform == Images.HostArchitecture)),
                 })
        {
            await containerd.Ctr("images", "pull", "--plain-http", "--snapshotter", "native", reference);

            // The image record points at exactly the manifest (or index) that was pushed.
            var list = await containerd.Ctr("images", "list");
            Assert.Contains(list.StdOut.Split('\n'), line => line.StartsWith(reference, StringComparison.Ordinal) && line.Contains(top.Digest, StringComparison.Ordinal));

            // Everything for this platform was fetched and verified ...
            var check = await containerd.Ctr("images", "check");
            Assert.Contains(check.StdOut.Split('\n'), line => line.StartsWith(reference, StringComparison.Ordinal) && line.Contains("complete", StringComparison.Ordinal));

            // ... byte for byte: containerd's content store holds what was pushed.
            var config = await containerd.Ctr("content", "get", platformImage.Config!.Digest);
            Assert.Equal(Encoding.UTF8.GetString(platformImage.Config.Data), config.StdOut.TrimEnd('\n'));

            // ... and unpacked into snapshots (unpacking checks each layer against the config's diff_ids).
            var snapshots = await containerd.Ctr("snapshots", "--snapshotter", "native", "list");
            Assert.True(snapshots.StdOut.Split('\n').Count(l => l.Contains("Committed", StringComparison.Ordinal)) >= platformImage.Layers.Count,
                $"expected at least {platformImage.Layers.Count} committed snapshots:\n{snapshots.StdOut}");
        }
    }
}

/// <summary>A private containerd: started with setsid on a temporary config, killed and removed on dispose.</summary>
public sealed class ContainerdDaemon : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly ITestOutputHelper _output;

    private ContainerdDaemon(TempDirectory dir, Process process, ITestOutputHelper output)
    {
        _dir = dir;
        _process = process;
        _output = output;
        Command = new Command(output);
    }

    public string Socket => Path.Combine(_dir.Path, "containerd.sock");

    public Command Command { get; }

    public static async Task<ContainerdDaemon> StartAsync(ITestOutputHelper output)
    {
        // Short path: unix socket paths are limited to 108 bytes.
        var dir = new TempDirectory("ctrd");
        string config = Path.Combine(dir.Path, "config.toml");
        await File.WriteAllTextAsync(config, $"""
            version = 2
            root = "{dir.Path}/root"
            state = "{dir.Path}/state"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]

            [grpc]
              address = "{dir.Path}/containerd.sock"

            [ttrpc]
              address = "{dir.Path}/containerd-ttrpc.sock"

            [debug]
              level = "info"
            """);

        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "containerd", "--config", config }) info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info };
        var daemon = new ContainerdDaemon(dir, process, output);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (daemon._log) daemon._log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (daemon._log) daemon._log.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await daemon.DisposeAsync();
                throw new XunitException($"containerd exited with {process.ExitCode}:\n{daemon.Log}");
            }
            if (File.Exists(daemon.Socket))
            {
                var version = await daemon.Command.TryRunAsync(TimeSpan.FromSeconds(10), "ctr", "--address", daemon.Socket, "version");
                if (version.ExitCode == 0) return daemon;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                await daemon.DisposeAsync();
                throw new XunitException($"containerd did not answer within 30 s:\n{daemon.Log}");
            }
            await Task.Delay(200);
        }
    }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public Task<CommandResult> Ctr(params string[] args) =>
        Command.RunAsync(TimeSpan.FromMinutes(3), "ctr", ["--address", Socket, .. args]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            // setsid execs containerd in place (the child is not a group leader), so this is containerd's pid.
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone.
        }
        try
        {
            _output.WriteLine("--- containerd output ---\n" + Log);
        }
        catch (InvalidOperationException)
        {
            // Test already over.
        }
        _process.Dispose();
        _dir.Dispose();
    }
}

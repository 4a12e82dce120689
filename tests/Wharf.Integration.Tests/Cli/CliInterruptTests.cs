using System.Diagnostics;
using System.Text;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Cli;

/// <summary>
/// Ctrl+C during a push on a real terminal: `script` gives wharf a pty, and a ^C byte written to it is turned into
/// SIGINT by the terminal's line discipline, as a key press would be.
/// </summary>
public sealed class CliInterruptTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [ToolFact("script")]
    public async Task Ctrl_C_during_a_push_shows_the_cursor_again_and_says_how_to_resume()
    {
        Prerequisites.Require("script");
        using var dir = new TempDirectory();
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"), weightBytes: 4 * 1024 * 1024);
        string reference = $"{Server.HostPort}/{NewRepo("ctrlc")}:v1";
        string command = string.Join(' ', new[] { WharfBinary.DotNetHost, WharfBinary.DllPath, "push", model, reference, "--limit-rate", "256KiB", "--chunk-size", "1MiB" }
            .Select(a => "'" + a + "'"));

        var info = new ProcessStartInfo("script", ["-qfc", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in cli.Environment) info.Environment[key] = value;
        info.Environment["TERM"] = "xterm-256color";
        info.Environment["COLUMNS"] = "80";
        var screen = new StringBuilder();
        using var terminal = new Process { StartInfo = info };
        terminal.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (screen) screen.AppendLine(e.Data); };
        terminal.Start();
        terminal.BeginOutputReadLine();
        string Screen() { lock (screen) return screen.ToString(); }

        // Interrupt once the upload is under way (the bars are drawn and the cursor hidden).
        for (var clock = Stopwatch.StartNew(); !Screen().Contains("model.safetensors", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(60);)
            await Task.Delay(100);
        await Task.Delay(1500);
        await terminal.StandardInput.WriteAsync('\u0003');
        await terminal.StandardInput.FlushAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await terminal.WaitForExitAsync(cts.Token);
        string text = Screen();
        Output.WriteLine(text.Replace("\u001b", "ESC", StringComparison.Ordinal));

        Assert.Contains("\u001b[?25l", text, StringComparison.Ordinal);
        Assert.True(text.LastIndexOf("\u001b[?25h", StringComparison.Ordinal) > text.LastIndexOf("\u001b[?25l", StringComparison.Ordinal),
            "the cursor is left hidden");
        Assert.Contains("interrupted; run the same command again to resume", text, StringComparison.Ordinal);

        // And it does resume: the same command, to the end.
        var resumed = await cli.JsonAsync("push", model, reference, "--json");
        Assert.Equal(reference, resumed["reference"]!.GetValue<string>());
    }
}

using System.Diagnostics;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Cli;

/// <summary>A push killed in the middle of a large upload resumes from where the registry stands.</summary>
public sealed class CliResumeTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    private const long Size = 48L * 1024 * 1024;

    [Fact]
    public async Task A_killed_push_resumes_without_sending_everything_again()
    {
        using var dir = new TempDirectory("wharf-e2e");
        using var cli = new WharfCli(Output);
        string model = dir.Sub("model");
        await using (var file = File.Create(Path.Combine(model, "weights.gguf")))
        await using (var generated = new GeneratedStream(GeneratedStream.NewSeed(), 0, Size))
        {
            await generated.CopyToAsync(file);
        }
        File.WriteAllText(Path.Combine(model, "README.md"), "# big\n");
        string reference = $"{Server.HostPort}/{NewRepo("resume")}:v1";

        // Slow enough to be caught in the middle: 8 MiB/s in 2 MiB chunks.
        using (var first = cli.Start("push", model, reference, "--quiet", "--chunk-size", "2MiB", "--limit-rate", "8MiB", "--parallel", "1"))
        {
            try
            {
                await WaitForJournalAsync(cli, first);
                await Task.Delay(TimeSpan.FromSeconds(2)); // ~16 MiB of 48 on their way
                Assert.False(first.HasExited, "the push finished before it could be interrupted");
            }
            finally
            {
                if (!first.HasExited) first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync();
            }
        }

        var second = await cli.JsonAsync("push", model, reference, "--json", "--chunk-size", "2MiB");
        long sent = second["bytesSent"]!.GetValue<long>();
        Output.WriteLine($"second run sent {sent} of {Size} bytes; resumed {second["resumed"]}");
        Assert.Equal(1, second["resumed"]!.GetValue<int>());
        Assert.True(sent < Size - 4L * 1024 * 1024, $"the resumed push sent {sent} bytes, nearly all of {Size}");
        Assert.False(Directory.Exists(cli.JournalDirectory) && Directory.EnumerateFiles(cli.JournalDirectory).Any(), "the journal was not cleared");

        // And what arrived is the file, whole.
        string copy = Path.Combine(dir.Path, "copy");
        await cli.RunAsync("pull", reference, copy, "--quiet");
        Assert.Equal(ModelDirs.Snapshot(model), ModelDirs.Snapshot(copy));
    }

    private static async Task WaitForJournalAsync(WharfCli cli, Process push)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (push.HasExited) Assert.Fail($"the push exited with {push.ExitCode} before its upload started");
            if (Directory.Exists(cli.JournalDirectory) && Directory.EnumerateFiles(cli.JournalDirectory, "*.json").Any()) return;
            await Task.Delay(50);
        }
        Assert.Fail("the push never opened an upload session");
    }
}

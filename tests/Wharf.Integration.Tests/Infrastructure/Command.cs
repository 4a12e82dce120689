using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Wharf.Integration.Tests.Infrastructure;

public sealed record CommandResult(string CommandLine, int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"$ {CommandLine}\nexit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}

/// <summary>Runs an external client (skopeo, podman, ctr, curl) and records the transcript in the test output.</summary>
public sealed class Command(ITestOutputHelper output)
{
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    /// <summary>Written to the next command's standard input (then cleared); by default its input is empty.</summary>
    public string? StandardInput { get; set; }

    /// <summary>Where the commands run; null: the test's own working directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Runs and asserts exit code 0.</summary>
    public async Task<CommandResult> RunAsync(string file, params string[] args) => await RunAsync(TimeSpan.FromMinutes(3), file, args);

    public async Task<CommandResult> RunAsync(TimeSpan timeout, string file, params string[] args)
    {
        var result = await TryRunAsync(timeout, file, args);
        if (result.ExitCode != 0) throw new XunitException($"command failed:\n{result}");
        return result;
    }

    /// <summary>Runs and returns whatever happened.</summary>
    public async Task<CommandResult> TryRunAsync(TimeSpan timeout, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = WorkingDirectory ?? "",
        };
        foreach (string arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in Environment) info.Environment[key] = value;
        string commandLine = file + " " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        var clock = Stopwatch.StartNew();
        process.Start();
        if (StandardInput is { } input)
        {
            StandardInput = null;
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new XunitException($"timed out after {timeout.TotalSeconds} s: {commandLine}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        }
        process.WaitForExit(); // drains the asynchronous readers
        var result = new CommandResult(commandLine, process.ExitCode, stdout.ToString(), stderr.ToString());
        Log($"{result}\n({clock.Elapsed.TotalSeconds:F1} s)");
        return result;
    }

    private void Log(string text)
    {
        try
        {
            output.WriteLine(text);
        }
        catch (InvalidOperationException)
        {
            // Test already finished.
        }
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Wharf.Integration.Tests.Cli;

/// <summary>
/// Runs the real <c>wharf</c> binary as a client, with its own HOME and XDG cache (so neither the machine's
/// container credentials nor an earlier test's upload journal leak in), and records each run in the test output.
/// </summary>
public sealed class WharfCli : IDisposable
{
    private readonly TempDirectory _home = new("wharf-cli-home");
    private readonly Command _command;

    public WharfCli(ITestOutputHelper output)
    {
        _command = new Command(output);
        foreach (var (key, value) in Environment) _command.Environment[key] = value;
    }

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["HOME"] = _home.Path,
        ["XDG_CACHE_HOME"] = Path.Combine(_home.Path, "cache"),
        ["XDG_RUNTIME_DIR"] = Path.Combine(_home.Path, "run"),
        ["DOCKER_CONFIG"] = Path.Combine(_home.Path, "docker"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    /// <summary>Where push keeps its upload journal.</summary>
    public string JournalDirectory => Path.Combine(_home.Path, "cache", "wharf", "uploads");

    /// <summary>Runs <c>wharf ARGS</c> and asserts exit code 0.</summary>
    public async Task<CommandResult> RunAsync(params string[] args)
    {
        var result = await TryRunAsync(args);
        if (result.ExitCode != 0) throw new XunitException($"wharf failed:\n{result}");
        return result;
    }

    public Task<CommandResult> TryRunAsync(params string[] args) => TryRunAsync(TimeSpan.FromMinutes(5), args);

    public Task<CommandResult> TryRunAsync(TimeSpan timeout, params string[] args) =>
        _command.TryRunAsync(timeout, WharfBinary.DotNetHost, [WharfBinary.DllPath, .. args]);

    /// <summary>Written to the next run's standard input (then cleared), e.g. a password.</summary>
    public string? StandardInput
    {
        get => _command.StandardInput;
        set => _command.StandardInput = value;
    }

    /// <summary>Runs with <c>--json</c> (the caller adds it) and parses stdout.</summary>
    public async Task<JsonNode> JsonAsync(params string[] args)
    {
        var result = await RunAsync(args);
        return JsonNode.Parse(result.StdOut) ?? throw new XunitException($"no JSON from wharf:\n{result}");
    }

    /// <summary>Starts <c>wharf ARGS</c> without waiting, for tests that kill it mid-flight.</summary>
    public Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(WharfBinary.DotNetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(WharfBinary.DllPath);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in Environment) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start wharf");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public void Dispose() => _home.Dispose();
}

/// <summary>A small model directory with a weight file, its config, a tokenizer, a README and code.</summary>
public static class ModelDirs
{
    public static string Create(string root, int weightBytes = 3 * 1024 * 1024, int seed = 1)
    {
        Directory.CreateDirectory(root);
        var random = new Random(seed);
        var weights = new byte[weightBytes];
        random.NextBytes(weights);
        File.WriteAllBytes(Path.Combine(root, "model.safetensors"), weights);
        File.WriteAllText(Path.Combine(root, "config.json"), "{\"architectures\":[\"LlamaForCausalLM\"],\"torch_dtype\":\"bfloat16\"}");
        File.WriteAllText(Path.Combine(root, "tokenizer.json"), "{\"version\":\"1.0\",\"seed\":" + seed + "}");
        File.WriteAllText(Path.Combine(root, "README.md"), "---\nlicense: apache-2.0\n---\n# A test model\n");
        Directory.CreateDirectory(Path.Combine(root, "src"));
        File.WriteAllText(Path.Combine(root, "src", "infer.py"), "print('hello')\n");
        return root;
    }

    /// <summary>Every file under <paramref name="root"/> with its bytes' SHA-256, by relative path.</summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(root, "*", SearchOption.AllDirectories))
        {
            using var stream = File.OpenRead(file);
            files[Path.GetRelativePath(root, file).Replace('\\', '/')] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        }
        return files;
    }
}

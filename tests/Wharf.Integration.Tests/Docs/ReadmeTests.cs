using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Wharf.Integration.Tests.Docs;

/// <summary>
/// The README and docs/cli.md, executed: every ```sh block, in page order, with bash (<c>-euo pipefail</c>) against
/// a real `wharf serve` of its own, so a documented command that stops working fails here. The pages' addresses
/// (127.0.0.1:5000, /srv/wharf) become the test server's; `wharf` is the build's apphost on the PATH; the blocks
/// share one working directory, as a reader's shell would. A block marked `readme-test: needs TOOL` runs when the
/// tool is installed (in CI it must be); one marked `skip` says on the page why it cannot run here.
/// </summary>
public sealed class ReadmeTests(ITestOutputHelper output)
{
    [Fact]
    public Task The_README_walkthrough_works_from_an_empty_registry() => RunPageAsync("README.md");

    [Fact]
    public Task The_cli_guide_examples_work() => RunPageAsync(Path.Combine("docs", "cli.md"));

    private async Task RunPageAsync(string page)
    {
        var blocks = DocBlocks.Read(Path.Combine(WharfBinary.RepositoryRoot, page));
        Assert.NotEmpty(blocks);
        await using var server = await WharfProcess.StartAsync(new WharfOptions { Replicas = 1 });
        using var work = new TempDirectory("wharf-readme");
        var shell = Shell(work, server);
        int ran = 0;
        try
        {
            foreach (var block in blocks)
            {
                if (block.SkipReason is { } reason)
                {
                    output.WriteLine($"--- {block}: not run, the page says: {reason}");
                    continue;
                }
                var missing = Prerequisites.Missing(block.Needs);
                if (missing.Count > 0)
                {
                    if (Prerequisites.IsCi) throw new XunitException($"{block} needs {string.Join(", ", missing)}. {Prerequisites.Hint}");
                    output.WriteLine($"--- {block}: not run here, missing {string.Join(", ", missing)}");
                    continue;
                }
                string script = block.Script.Replace("127.0.0.1:5000", server.HostPort, StringComparison.Ordinal)
                    .Replace("localhost:5000", server.HostPort, StringComparison.Ordinal)
                    .Replace("/srv/wharf", server.DataDir, StringComparison.Ordinal);
                output.WriteLine($"--- {block}");
                var result = await shell.TryRunAsync(TimeSpan.FromMinutes(5), "bash", "-euo", "pipefail", "-c", script);
                if (result.ExitCode != 0) throw new XunitException($"{block} failed (exit {result.ExitCode}):\n{result}");
                ran++;
            }
        }
        finally
        {
            ServerLog.Write(output, server);
        }
        // A page whose every block is skipped would pass without testing anything.
        Assert.True(ran > 0, $"no block of {page} ran");
    }

    /// <summary>
    /// bash in the working directory with the built `wharf` first on the PATH, a private HOME and caches, and the
    /// containers/image configuration the client tests use (test registry insecure, vfs storage for podman).
    /// </summary>
    private Command Shell(TempDirectory work, WharfProcess server)
    {
        // The README's commands are written from the repository root (scripts/…); the working directory stands in.
        File.CreateSymbolicLink(Path.Combine(work.Path, "scripts"), Path.Combine(WharfBinary.RepositoryRoot, "scripts"));
        string home = Directory.CreateDirectory(Path.Combine(work.Path, ".home")).FullName;
        string registries = Path.Combine(home, "registries.conf");
        File.WriteAllText(registries, $"unqualified-search-registries = []\n\n[[registry]]\nlocation = \"{server.HostPort}\"\ninsecure = true\n");
        string containersConf = Path.Combine(home, "containers.conf");
        File.WriteAllText(containersConf, "[engine]\nevents_logger = \"none\"\ncgroup_manager = \"cgroupfs\"\n");
        string storageConf = Path.Combine(home, "storage.conf");
        File.WriteAllText(storageConf, $"[storage]\ndriver = \"vfs\"\ngraphroot = \"{home}/storage\"\nrunroot = \"{home}/run\"\n");
        string auth = Path.Combine(home, "auth.json");
        File.WriteAllText(auth, "{\"auths\":{}}");

        var shell = new Command(output) { WorkingDirectory = work.Path };
        string binaries = Path.GetDirectoryName(WharfBinary.DllPath)!;
        shell.Environment["PATH"] = binaries + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        if (Path.GetDirectoryName(Path.GetFullPath(WharfBinary.DotNetHost)) is { } dotnetRoot && File.Exists(WharfBinary.DotNetHost))
            shell.Environment["DOTNET_ROOT"] = dotnetRoot;
        shell.Environment["HOME"] = home;
        shell.Environment["XDG_CACHE_HOME"] = Path.Combine(home, "cache");
        shell.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, "config");
        shell.Environment["XDG_RUNTIME_DIR"] = Path.Combine(home, "run");
        shell.Environment["DOCKER_CONFIG"] = Path.Combine(home, "docker");
        shell.Environment["CONTAINERS_REGISTRIES_CONF"] = registries;
        shell.Environment["CONTAINERS_CONF"] = containersConf;
        shell.Environment["CONTAINERS_STORAGE_CONF"] = storageConf;
        shell.Environment["REGISTRY_AUTH_FILE"] = auth;
        shell.Environment["TMPDIR"] = Directory.CreateDirectory(Path.Combine(home, "tmp")).FullName;
        shell.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        shell.Environment["DOTNET_NOLOGO"] = "1";
        return shell;
    }
}

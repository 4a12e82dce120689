using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Cli;

/// <summary><c>wharf audit</c>: a header row, and filters that keep only the rows asked for.</summary>
public sealed class CliAuditTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Audit_has_a_header_and_filters_by_actor_action_repository_and_time()
    {
        await using var server = await WharfProcess.StartAsync(new WharfOptions
        {
            Replicas = 1,
            Environment = new Dictionary<string, string> { ["WHARF__AUTH__INITIALADMINPASSWORD"] = "admin-password-1" },
        });
        using var dir = new TempDirectory();
        using var cli = new WharfCli(output);
        try
        {
            await RunAsync(server, dir, cli);
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    private static async Task RunAsync(WharfProcess server, TempDirectory dir, WharfCli cli)
    {
        cli.StandardInput = "admin-password-1\n";
        await cli.RunAsync("login", server.HostPort, "--username", "admin");
        string model = ModelDirs.Create(dir.Sub("model"));
        await cli.RunAsync("push", model, $"{server.HostPort}/admin/audited:v1", "--quiet");
        cli.StandardInput = "wrong-password\n";
        Assert.Equal(1, (await cli.TryRunAsync("login", server.HostPort, "--username", "admin")).ExitCode);

        var all = Rows(await cli.RunAsync("audit", "--data", server.DataDir));
        Assert.Equal(["ID", "TIME", "RESULT", "ACTOR", "ACTION", "REPOSITORY", "DIGEST", "ADDRESS", "DETAIL"], all[0]);
        Assert.Contains(all.Skip(1), r => r[4] == "login" && r[2] == "DENIED");
        Assert.Contains(all.Skip(1), r => r[5] == "admin/audited");

        var logins = Rows(await cli.RunAsync("audit", "--data", server.DataDir, "--action", "login")).Skip(1).ToList();
        Assert.NotEmpty(logins);
        Assert.All(logins, r => Assert.Equal("login", r[4]));

        var repository = Rows(await cli.RunAsync("audit", "--data", server.DataDir, "--repository", "admin/audited", "--actor", "admin")).Skip(1).ToList();
        Assert.NotEmpty(repository);
        Assert.All(repository, r => Assert.Equal(("user:admin", "admin/audited"), (r[3], r[5])));

        Assert.Single(Rows(await cli.RunAsync("audit", "--data", server.DataDir, "--since", "2999-01-01")));
        Assert.Equal(all.Count, Rows(await cli.RunAsync("audit", "--data", server.DataDir, "--since", "1d")).Count);
        Assert.Equal(2, (await cli.TryRunAsync("audit", "--data", server.DataDir, "--since", "yesterday-ish")).ExitCode);
    }

    private static List<string[]> Rows(CommandResult result) =>
        result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToList();
}

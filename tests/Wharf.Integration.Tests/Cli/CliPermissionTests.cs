using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Cli;

/// <summary>A known user refused for lack of a role is told so, not asked for credentials they already gave.</summary>
public sealed class CliPermissionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_logged_in_user_without_a_role_is_told_they_lack_permission()
    {
        await using var server = await WharfProcess.StartAsync(new WharfOptions
        {
            Replicas = 1,
            Environment = new Dictionary<string, string> { ["WHARF__AUTH__INITIALADMINPASSWORD"] = "admin-password-1" },
        });
        using var dir = new TempDirectory();
        using var cli = new WharfCli(output);
        cli.StandardInput = "bob-password-12\n";
        await cli.RunAsync("user", "add", "bob", "--data", server.DataDir);
        await cli.RunAsync("namespace", "create", "team", "--data", server.DataDir);
        cli.StandardInput = "bob-password-12\n";
        await cli.RunAsync("login", server.HostPort, "--username", "bob");
        string model = ModelDirs.Create(dir.Sub("model"));

        var refused = await cli.TryRunAsync("push", model, $"{server.HostPort}/team/model:v1", "--quiet");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("you lack permission", refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("wharf login", refused.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("give --username", refused.StdErr, StringComparison.Ordinal);

        // Bob's own namespace takes the same push: the login itself was fine.
        await cli.RunAsync("push", model, $"{server.HostPort}/bob/model:v1", "--quiet");
    }
}

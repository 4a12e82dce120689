using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Npgsql;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Clients;

/// <summary>
/// Versioning policy against the real server with real clients: skopeo and podman cannot move or delete an immutable
/// tag and show the server's reason; tag history records what they moved; `wharf promote|policy|retention` work.
/// </summary>
public sealed class PolicyClientTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    private const string ImmutableMessage = "tag v1.0.0 is immutable (repository {0}, pattern 'v*') and already points at {1}: push a new tag";

    private async Task SetPolicyAsync(string repo, string json)
    {
        using var put = await Http.PutAsync($"/api/v1/repositories/{repo}/policy", new StringContent(json, new MediaTypeHeaderValue("application/json")));
        await OciAssert.Status(put, HttpStatusCode.OK);
    }

    private const string TagHistorySql =
        "SELECT h.old_digest, h.new_digest FROM tag_history h JOIN repositories r ON r.id = h.repository_id WHERE r.name = @r AND h.tag = @t ORDER BY h.id;";

    /// <summary>The tag's history rows, read straight from whichever metadata database the server uses.</summary>
    private async Task<List<(string? Old, string? New)>> TagHistoryAsync(string repo, string tag)
    {
        await using DbConnection connection = Server.MetadataDatabase is { } database
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder
                { DataSource = Path.Combine(Server.DataDir, "wharf.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = TagHistorySql;
        foreach (var (name, value) in new[] { ("@r", repo), ("@t", tag) })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string?, string?)>();
        while (await reader.ReadAsync()) rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        return rows;
    }

    private static Task<CommandResult> Skopeo(ClientEnvironment env, params string[] args) =>
        env.Command.TryRunAsync(TimeSpan.FromMinutes(3), "skopeo", ["--policy", env.Policy, .. args]);

    private Task<CommandResult> SkopeoPush(ClientEnvironment env, string layout, string repo, string tag) =>
        Skopeo(env, "copy", "--dest-tls-verify=false", "--preserve-digests", $"oci:{layout}:src", $"docker://{Server.HostPort}/{repo}:{tag}");

    private static string Layout(ClientEnvironment env, TestImage image, string name)
    {
        string dir = env.Sub(name);
        OciLayout.Write(dir, image, "src");
        return dir;
    }

    private static void AssertFailedWith(CommandResult result, string message)
    {
        Assert.True(result.ExitCode != 0, $"expected a failure:\n{result}");
        Assert.Contains(message, result.StdOut + result.StdErr, StringComparison.Ordinal);
    }

    [ToolFact("skopeo")]
    public async Task Skopeo_cannot_move_or_delete_an_immutable_tag_and_shows_why()
    {
        Prerequisites.Require("skopeo");
        using var env = new ClientEnvironment(Server, Output);
        string repo = NewRepo("policy");
        await SetPolicyAsync(repo, """{"immutableTags":["v*"]}""");
        var first = Images.Random(layers: 1);
        var second = Images.Random(layers: 1);
        string a = Layout(env, first, "a"), b = Layout(env, second, "b");

        Assert.Equal(0, (await SkopeoPush(env, a, repo, "v1.0.0")).ExitCode);
        AssertFailedWith(await SkopeoPush(env, b, repo, "v1.0.0"), string.Format(null, ImmutableMessage, repo, first.Digest));
        Assert.Equal(0, (await SkopeoPush(env, a, repo, "v1.0.0")).ExitCode); // the same digest again is fine
        AssertFailedWith(await Skopeo(env, "delete", "--tls-verify=false", $"docker://{Server.HostPort}/{repo}:v1.0.0"), "cannot be deleted");

        // A tag outside the pattern moves as usual, and tag history has each move skopeo made.
        Assert.Equal(0, (await SkopeoPush(env, a, repo, "latest")).ExitCode);
        Assert.Equal(0, (await SkopeoPush(env, b, repo, "latest")).ExitCode);

        await Registry.VerifyImageAsync(repo, first, "v1.0.0");
        Assert.Equal([(null, first.Digest)], await TagHistoryAsync(repo, "v1.0.0"));
        Assert.Equal([(null, first.Digest), (first.Digest, second.Digest)], await TagHistoryAsync(repo, "latest"));
    }

    [ToolFact("skopeo")]
    public async Task Concurrent_skopeo_pushes_to_one_immutable_tag_have_exactly_one_winner()
    {
        Prerequisites.Require("skopeo");
        using var env = new ClientEnvironment(Server, Output);
        string repo = NewRepo("policy");
        await SetPolicyAsync(repo, """{"immutableTags":["semver"]}""");
        var images = Enumerable.Range(0, 4).Select(_ => Images.Random(layers: 1)).ToList();
        var layouts = images.Select((image, i) => Layout(env, image, $"l{i}")).ToList();

        var results = await Task.WhenAll(layouts.Select(layout => Task.Run(() => SkopeoPush(env, layout, repo, "v1.0.0"))));

        int winner = Assert.Single(Enumerable.Range(0, results.Length), i => results[i].ExitCode == 0);
        foreach (var loser in results.Where((_, i) => i != winner)) AssertFailedWith(loser, "tag v1.0.0 is immutable");
        await Registry.VerifyImageAsync(repo, images[winner], "v1.0.0");
        Assert.Equal([(null, images[winner].Digest)], await TagHistoryAsync(repo, "v1.0.0"));
    }

    [ToolFact("podman", "skopeo", Prerequisites.Root)]
    public async Task Podman_push_cannot_move_an_immutable_tag_and_shows_why()
    {
        Prerequisites.Require("podman", "skopeo", Prerequisites.Root);
        using var env = new ClientEnvironment(Server, Output);
        string repo = NewRepo("policy");
        await SetPolicyAsync(repo, """{"immutableTags":["v*"]}""");
        var released = Images.Random(layers: 1);
        Assert.Equal(0, (await SkopeoPush(env, Layout(env, released, "released"), repo, "v1.0.0")).ExitCode);

        string root = env.Sub("storage"), runRoot = env.Sub("run");
        string[] global = ["--root", root, "--runroot", runRoot, "--storage-driver", "vfs", "--events-backend", "none", "--cgroup-manager", "cgroupfs"];
        const string local = "localhost/wharf-e2e/policy:v1";
        try
        {
            await env.Command.RunAsync("skopeo", "--policy", env.Policy, "copy", $"oci:{Layout(env, Images.Random(layers: 1), "other")}:src",
                $"containers-storage:[vfs@{root}+{runRoot}]{local}");

            var push = await env.Command.TryRunAsync(TimeSpan.FromMinutes(3), "podman",
                [.. global, "push", "--tls-verify=false", local, $"{Server.HostPort}/{repo}:v1.0.0"]);

            AssertFailedWith(push, string.Format(null, ImmutableMessage, repo, released.Digest));
        }
        finally
        {
            await env.Command.TryRunAsync(TimeSpan.FromMinutes(1), "podman", [.. global, "rmi", "--all", "--force"]);
        }
        await Registry.VerifyImageAsync(repo, released, "v1.0.0");
        Assert.Equal([(null, released.Digest)], await TagHistoryAsync(repo, "v1.0.0"));
    }

    [Fact]
    public async Task The_cli_sets_the_policy_promotes_and_runs_retention()
    {
        var wharf = new Infrastructure.Command(Output);
        Task<CommandResult> Wharf(params string[] args) => wharf.TryRunAsync(TimeSpan.FromMinutes(1), WharfBinary.DotNetHost, [WharfBinary.DllPath, .. args]);
        string repo = NewRepo("cli");
        string target = $"{Server.HostPort}/{repo}";

        var set = await Wharf("policy", "set", target, "--json",
            """{"immutableTags":["v*"],"aliases":["staging","production"],"retention":{"keepLastVersions":2}}""");
        Assert.Equal(0, set.ExitCode);
        Assert.Contains("\"aliases\":[\"staging\",\"production\"]", set.StdOut, StringComparison.Ordinal);
        var images = new Dictionary<string, TestImage>();
        foreach (var tag in new[] { "v1.0.0", "v1.1.0", "v2.0.0", "latest" })
        {
            images[tag] = Images.Random(layers: 1);
            await Registry.PushImageAsync(repo, images[tag], tag);
        }

        var refused = await Wharf("promote", $"{target}:latest", "production", "--reason", "try");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error: 409 DENIED: cannot promote latest to production: condition immutable-tag", refused.StdErr, StringComparison.Ordinal);
        var badPolicy = await Wharf("policy", "set", target, "--json", """{"aliases":["no/slash"]}""");
        Assert.Equal(1, badPolicy.ExitCode);
        Assert.Contains("error: 400 BAD_REQUEST: aliases: 'no/slash' is not a valid tag", badPolicy.StdErr, StringComparison.Ordinal);

        var promoted = await Wharf("promote", $"{target}:v1.1.0", "production", "--reason", "passed evaluation");
        Assert.Equal(0, promoted.ExitCode);
        Assert.Equal($"promoted {repo}:production to {images["v1.1.0"].Digest} (was unset) by local: passed evaluation", promoted.StdOut.Trim());
        Assert.Equal(0, (await Wharf("promote", $"{target}@{images["v2.0.0"].Digest}", "production", "--reason", "v2 is better")).ExitCode);
        Assert.Equal([(null, images["v1.1.0"].Digest), (images["v1.1.0"].Digest, images["v2.0.0"].Digest)], await TagHistoryAsync(repo, "production"));

        var dryRun = await Wharf("retention", "run", "--dry-run", target);
        Assert.Equal(0, dryRun.ExitCode);
        string[] planned = dryRun.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[..^1];
        Assert.Equal([$"{repo}: would delete manifest {images["v1.0.0"].Digest} [v1.0.0]: version v1.0.0 is older than the newest 2 by semantic version"], planned);
        Assert.Equal(HttpStatusCode.OK, await Registry.ManifestStatusAsync(repo, "v1.0.0"));

        var real = await Wharf("retention", "run", target);
        Assert.Equal(0, real.ExitCode);
        Assert.Equal(planned.Select(line => line.Replace("would delete", "deleted", StringComparison.Ordinal)),
            real.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[..^1]);
        Assert.Equal(HttpStatusCode.NotFound, await Registry.ManifestStatusAsync(repo, images["v1.0.0"].Digest));
        Assert.Equal([(null, images["v1.0.0"].Digest), (images["v1.0.0"].Digest, null)], await TagHistoryAsync(repo, "v1.0.0"));

        var get = await Wharf("policy", "get", target);
        Assert.Contains($"repository {repo}: ", get.StdOut, StringComparison.Ordinal);
        var unreachable = await Wharf("policy", "get", "127.0.0.1:1/team/model");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("cannot reach", unreachable.StdErr, StringComparison.Ordinal);
    }
}

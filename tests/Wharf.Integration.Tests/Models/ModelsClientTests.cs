using Wharf.Integration.Tests.Clients;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Models;

/// <summary>Tag history and classification of what real clients push: skopeo and podman move tags like any client.</summary>
public sealed class ModelsClientTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    private ModelsApiClient Api => new(Http);

    [ToolFact("skopeo")]
    public async Task Skopeo_copies_are_classified_and_their_tag_moves_recorded()
    {
        Prerequisites.Require("skopeo");
        using var env = new ClientEnvironment(Server, Output);
        string repo = NewRepo("skopeo-hist");
        var first = Images.Random(layers: 2);
        var second = Images.Random(layers: 2);
        string a = env.Sub("a"), b = env.Sub("b");
        OciLayout.Write(a, first, "v1");
        OciLayout.Write(b, second, "v1");
        string remote = $"docker://{Server.HostPort}/{repo}:latest";
        string[] policy = ["--policy", env.Policy];

        await env.Command.RunAsync("skopeo", [.. policy, "copy", "--dest-tls-verify=false", "--preserve-digests", $"oci:{a}:v1", remote]);
        await env.Command.RunAsync("skopeo", [.. policy, "copy", "--dest-tls-verify=false", "--preserve-digests", $"oci:{b}:v1", remote]);
        await env.Command.RunAsync("skopeo", [.. policy, "delete", "--tls-verify=false", remote]);

        var moves = (await Api.OkAsync($"/api/v1/repositories/{repo}/history?tag=latest"))["moves"]!.AsArray();
        Assert.Equal(
            [(second.Digest, (string?)null), (first.Digest, second.Digest), (null, first.Digest)],
            moves.Select(m => (m!["oldDigest"]?.GetValue<string>(), m["newDigest"]?.GetValue<string>())));

        var detail = await Api.IndexedAsync(repo, first.Digest);
        Assert.Equal("image", detail["kind"]!.GetValue<string>());
        Assert.Equal(2, detail["files"]!.AsArray().Count);
    }

    [ToolFact("podman", "skopeo", Prerequisites.Root)]
    public async Task Podman_pushes_move_a_tag_and_the_history_shows_each_move()
    {
        Prerequisites.Require("podman", "skopeo", Prerequisites.Root);
        using var env = new ClientEnvironment(Server, Output);
        string root = env.Sub("storage"), runRoot = env.Sub("run");
        string[] global = ["--root", root, "--runroot", runRoot, "--storage-driver", "vfs", "--events-backend", "none", "--cgroup-manager", "cgroupfs"];
        string repo = NewRepo("podman-hist");
        string remote = $"{Server.HostPort}/{repo}:stable";
        var digests = new List<string>();
        try
        {
            foreach (var (name, image) in new[] { ("one", Images.Random(layers: 1)), ("two", Images.Random(layers: 1)) })
            {
                string layout = env.Sub("layout-" + name);
                OciLayout.Write(layout, image, "v1");
                string local = $"localhost/wharf-e2e/{name}:v1";
                await env.Command.RunAsync("skopeo", "--policy", env.Policy, "copy", $"oci:{layout}:v1", $"containers-storage:[vfs@{root}+{runRoot}]{local}");
                string digestFile = Path.Combine(env.Sub("digests"), name);
                await env.Command.RunAsync(TimeSpan.FromMinutes(3), "podman", [.. global, "push", "--tls-verify=false", "--digestfile", digestFile, local, remote]);
                digests.Add(File.ReadAllText(digestFile).Trim());
            }
        }
        finally
        {
            await env.Command.RunAsync(TimeSpan.FromMinutes(3), "podman", [.. global, "rmi", "--all", "--force"]);
        }

        var moves = (await Api.OkAsync($"/api/v1/repositories/{repo}/history"))["moves"]!.AsArray();
        Assert.Equal(
            [("stable", digests[0], digests[1]), ("stable", (string?)null, digests[0])],
            moves.Select(m => (m!["tag"]!.GetValue<string>(), m["oldDigest"]?.GetValue<string>(), m["newDigest"]!.GetValue<string>())));
        var detail = await Api.IndexedAsync(repo, "stable");
        Assert.Equal("image", detail["kind"]!.GetValue<string>());
    }
}

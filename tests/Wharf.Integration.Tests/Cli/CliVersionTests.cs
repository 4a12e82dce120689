using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Clients;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Cli;

/// <summary>Comparing, tagging, inspecting and attaching to model versions; other clients read what push wrote.</summary>
public sealed class CliVersionTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Diff_reports_added_removed_and_changed_files_and_metadata()
    {
        using var dir = new TempDirectory("wharf-e2e");
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"));
        string repo = $"{Server.HostPort}/{NewRepo("diff")}";
        await cli.RunAsync("push", model, $"{repo}:v1", "--quiet", "--metric", "accuracy=0.80", "--param-size", "7B");

        File.WriteAllText(Path.Combine(model, "tokenizer.json"), "{\"version\":\"2.0\"}");
        File.Delete(Path.Combine(model, "src", "infer.py"));
        File.WriteAllText(Path.Combine(model, "generation_config.json"), "{\"temperature\":0.7}");
        await cli.RunAsync("push", model, $"{repo}:v2", "--quiet", "--metric", "accuracy=0.85", "--param-size", "7B");

        var diff = await cli.JsonAsync("diff", $"{repo}:v1", ":v2", "--json");
        var files = diff["files"]!.AsArray().ToDictionary(f => f!["path"]!.GetValue<string>(), f => f!["change"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string>
        {
            ["generation_config.json"] = "added",
            ["src/infer.py"] = "removed",
            ["tokenizer.json"] = "changed",
        }, files);
        Assert.Equal(3, diff["unchangedFiles"]!.GetValue<int>());
        var annotations = diff["annotations"]!.AsArray().ToDictionary(a => a!["key"]!.GetValue<string>(), a => a!);
        Assert.Equal("0.80", annotations["org.wharf.metric.accuracy"]["before"]!.GetValue<string>());
        Assert.Equal("0.85", annotations["org.wharf.metric.accuracy"]["after"]!.GetValue<string>());
        var config = diff["config"]!.AsArray().Select(c => c!["key"]!.GetValue<string>()).ToList();
        Assert.Equal(["descriptor.version"], config);

        var text = await cli.RunAsync("diff", $"{repo}:v1", $"{repo}:v2");
        Assert.Contains("+ generation_config.json", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("- src/infer.py", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("~ tokenizer.json", text.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tag_ls_inspect_and_history_show_the_version()
    {
        using var dir = new TempDirectory("wharf-e2e");
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"));
        string name = NewRepo("tag");
        string repo = $"{Server.HostPort}/{name}";
        var pushed = await cli.JsonAsync("push", model, $"{repo}:v1", "--json", "--architecture", "transformer", "--source-commit", "0123abc");
        string digest = pushed["digest"]!.GetValue<string>();

        var tagged = await cli.RunAsync("tag", $"{repo}:v1", "stable");
        Assert.Contains(digest, tagged.StdOut, StringComparison.Ordinal);
        var tags = await cli.RunAsync("ls", repo);
        Assert.Equal(["stable", "v1"], tags.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
        var catalog = await cli.RunAsync("ls", Server.HostPort);
        Assert.Contains(name, catalog.StdOut.Split('\n', StringSplitOptions.TrimEntries));

        var inspect = JsonNode.Parse((await cli.RunAsync("inspect", $"{repo}:stable", "--json")).StdOut)!;
        Assert.Equal(digest, inspect["digest"]!.GetValue<string>());
        Assert.Equal("transformer", inspect["configFields"]!["config.architecture"]!.GetValue<string>());
        Assert.Equal("bf16", inspect["configFields"]!["config.precision"]!.GetValue<string>());
        Assert.Equal("apache-2.0", inspect["annotations"]!["org.opencontainers.image.licenses"]!.GetValue<string>());
        Assert.Equal("0123abc", inspect["annotations"]!["org.wharf.source.commit"]!.GetValue<string>());
        Assert.Equal(5, inspect["files"]!.AsArray().Count);

        var history = await cli.RunAsync("history", $"{repo}:stable");
        Assert.Contains(digest, history.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_pushes_a_referrer_that_the_referrers_api_and_inspect_list()
    {
        using var dir = new TempDirectory("wharf-e2e");
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"));
        string name = NewRepo("attach");
        string repo = $"{Server.HostPort}/{name}";
        string digest = (await cli.JsonAsync("push", model, $"{repo}:v1", "--json"))["digest"]!.GetValue<string>();
        string card = Path.Combine(dir.Path, "CARD.md");
        File.WriteAllText(card, "# Model card\nGood model.\n");
        string eval = Path.Combine(dir.Path, "eval.json");
        File.WriteAllText(eval, "{\"metrics\":{\"accuracy\":0.9}}");

        await cli.RunAsync("attach", $"{repo}:v1", card, "--type", "card");
        await cli.RunAsync("attach", $"{repo}:v1", eval, "--type", "eval");
        var bad = await cli.TryRunAsync("attach", $"{repo}:v1", eval, "--type", "nonsense");
        Assert.Equal(2, bad.ExitCode);

        using var response = await Registry.GetAsync($"/v2/{name}/referrers/{digest}");
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var types = index["manifests"]!.AsArray().Select(m => m!["artifactType"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["application/vnd.wharf.model.card.v1", "application/vnd.wharf.model.eval.v1+json"], types);

        var inspect = JsonNode.Parse((await cli.RunAsync("inspect", $"{repo}:v1", "--json")).StdOut)!;
        Assert.Equal(2, inspect["referrers"]!.AsArray().Count);
    }

    [ToolFact("skopeo")]
    public async Task Skopeo_copies_the_pushed_model_pack_as_a_valid_oci_artifact()
    {
        Prerequisites.Require("skopeo");
        using var env = new ClientEnvironment(Server, Output);
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(env.Sub("model"));
        string name = NewRepo("skopeo");
        string digest = (await cli.JsonAsync("push", model, $"{Server.HostPort}/{name}:v1", "--json"))["digest"]!.GetValue<string>();

        string layout = env.Sub("layout");
        await env.Command.RunAsync("skopeo", "--policy", env.Policy, "copy", "--src-tls-verify=false", "--preserve-digests",
            $"docker://{Server.HostPort}/{name}:v1", $"oci:{layout}:v1");
        var indexJson = JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "index.json")))!;
        Assert.Equal(digest, indexJson["manifests"]![0]!["digest"]!.GetValue<string>());

        // And back into another repository: the registry accepts what skopeo read, digest for digest.
        await env.Command.RunAsync("skopeo", "--policy", env.Policy, "copy", "--dest-tls-verify=false", "--preserve-digests",
            $"oci:{layout}:v1", $"docker://{Server.HostPort}/{name}-copy:v1");
        var copy = JsonNode.Parse((await cli.RunAsync("inspect", $"{Server.HostPort}/{name}-copy:v1", "--json")).StdOut)!;
        Assert.Equal(digest, copy["digest"]!.GetValue<string>());
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Cli;

/// <summary><c>wharf push</c> / <c>wharf pull</c> as a user runs them, against the real server.</summary>
public sealed class CliPushPullTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Push_then_pull_into_an_empty_directory_gives_identical_files()
    {
        using var dir = new TempDirectory("wharf-e2e");
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"));
        string repo = NewRepo("cli");
        string reference = $"{Server.HostPort}/{repo}:v1";

        var pushed = await cli.JsonAsync("push", model, reference, "--json");
        var pulled = await cli.JsonAsync("pull", reference, Path.Combine(dir.Path, "copy"), "--json");

        Assert.Equal(pushed["digest"]!.GetValue<string>(), pulled["digest"]!.GetValue<string>());
        Assert.Equal(ModelDirs.Snapshot(model), ModelDirs.Snapshot(Path.Combine(dir.Path, "copy")));
        Assert.Equal(5, pulled["downloaded"]!.GetValue<int>());

        // The manifest is a ModelPack artifact, one layer per file with its path.
        using var response = await Registry.GetAsync($"/v2/{repo}/manifests/v1", MediaType.OciManifest);
        var manifest = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.cncf.model.manifest.v1+json", manifest["artifactType"]!.GetValue<string>());
        Assert.Equal("application/vnd.cncf.model.config.v1+json", manifest["config"]!["mediaType"]!.GetValue<string>());
        var layers = manifest["layers"]!.AsArray();
        Assert.Equal(["README.md", "config.json", "model.safetensors", "src/infer.py", "tokenizer.json"],
            layers.Select(l => l!["annotations"]!["org.cncf.model.filepath"]!.GetValue<string>()).ToArray());
        Assert.Equal("application/vnd.cncf.model.weight.v1.raw", layers[2]!["mediaType"]!.GetValue<string>());
        Assert.Equal("application/vnd.cncf.model.doc.v1.raw", layers[0]!["mediaType"]!.GetValue<string>());
        Assert.Equal("application/vnd.cncf.model.code.v1.raw", layers[3]!["mediaType"]!.GetValue<string>());
        Assert.Equal("application/vnd.cncf.model.weight.config.v1.raw", layers[4]!["mediaType"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pushing_the_same_directory_twice_gives_the_same_digest_and_uploads_nothing_the_second_time()
    {
        using var dir = new TempDirectory("wharf-e2e");
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"), weightBytes: 20 * 1024 * 1024);
        string reference = $"{Server.HostPort}/{NewRepo("cli")}:v1";
        string[] flags = ["--metric", "accuracy=0.91", "--training-run", "mlflow://runs/42", "--dataset-digest", Digests.Sha256("data"u8.ToArray())];

        var first = await cli.JsonAsync(["push", model, reference, "--json", "--chunk-size", "4MiB", .. flags]);
        var second = await cli.JsonAsync(["push", model, reference, "--json", "--chunk-size", "4MiB", .. flags]);

        Assert.Equal(first["digest"]!.GetValue<string>(), second["digest"]!.GetValue<string>());
        Assert.Equal(6, first["uploaded"]!.GetValue<int>());
        Assert.True(first["bytesSent"]!.GetValue<long>() >= 20 * 1024 * 1024);
        Assert.Equal(0, second["uploaded"]!.GetValue<int>());
        Assert.Equal(6, second["existed"]!.GetValue<int>());
        Assert.Equal(0, second["bytesSent"]!.GetValue<long>());

        // A different tag of the same directory is the same artifact but for the version: only the config and
        // manifest change.
        var other = await cli.JsonAsync(["push", model, reference.Replace(":v1", ":v2", StringComparison.Ordinal), "--json", .. flags]);
        Assert.NotEqual(first["digest"]!.GetValue<string>(), other["digest"]!.GetValue<string>());
        Assert.Equal(1, other["uploaded"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_fine_tune_pushed_with_its_base_model_mounts_the_shared_files_instead_of_sending_them()
    {
        using var dir = new TempDirectory("wharf-e2e");
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"), weightBytes: 8 * 1024 * 1024);
        string baseRef = $"{Server.HostPort}/{NewRepo("base")}:v1";
        await cli.RunAsync("push", model, baseRef, "--quiet");

        File.WriteAllText(Path.Combine(model, "adapter_config.json"), "{\"r\":8}");
        string tuned = $"{Server.HostPort}/{NewRepo("tuned")}:v1";
        var pushed = await cli.JsonAsync("push", model, tuned, "--json", "--base-model", baseRef);

        Assert.Equal(5, pushed["mounted"]!.GetValue<int>());
        Assert.Equal(2, pushed["uploaded"]!.GetValue<int>()); // the new file and the config
        Assert.True(pushed["bytesSent"]!.GetValue<long>() < 64 * 1024);
        await cli.RunAsync("pull", tuned, Path.Combine(dir.Path, "copy"), "--quiet");
        Assert.Equal(ModelDirs.Snapshot(model), ModelDirs.Snapshot(Path.Combine(dir.Path, "copy")));
    }

    [Fact]
    public async Task A_pull_into_a_directory_that_already_has_the_files_downloads_nothing_and_replaces_an_edited_one_only_with_force()
    {
        using var dir = new TempDirectory("wharf-e2e");
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"));
        string reference = $"{Server.HostPort}/{NewRepo("cli")}:v1";
        await cli.RunAsync("push", model, reference, "--quiet");
        string copy = Path.Combine(dir.Path, "copy");
        await cli.RunAsync("pull", reference, copy, "--quiet");

        var again = await cli.JsonAsync("pull", reference, copy, "--json");
        Assert.Equal(0, again["downloaded"]!.GetValue<int>());
        Assert.Equal(0L, again["bytesReceived"]!.GetValue<long>());

        File.WriteAllText(Path.Combine(copy, "tokenizer.json"), "edited here");
        var refused = await cli.TryRunAsync("pull", reference, copy);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"refusing to overwrite 1 file(s) in {copy} that differ from {reference}: tokenizer.json (edited locally?); give --force",
            refused.StdErr, StringComparison.Ordinal);
        Assert.Equal("edited here", File.ReadAllText(Path.Combine(copy, "tokenizer.json")));

        var repaired = await cli.JsonAsync("pull", reference, copy, "--json", "--force");
        Assert.Equal(1, repaired["downloaded"]!.GetValue<int>());
        Assert.Equal(ModelDirs.Snapshot(model), ModelDirs.Snapshot(copy));
    }

    [Fact]
    public async Task Pull_refuses_a_manifest_whose_file_path_escapes_the_directory_and_writes_nothing()
    {
        using var dir = new TempDirectory("wharf-e2e");
        using var cli = new WharfCli(Output);
        string repo = NewRepo("cli");
        var config = Blob.Json(new JsonObject { ["descriptor"] = new JsonObject(), ["config"] = new JsonObject(), ["modelfs"] = new JsonObject { ["type"] = "layers", ["diffIds"] = new JsonArray() } },
            "application/vnd.cncf.model.config.v1+json");
        var good = Blob.Random(100);
        var evil = Blob.Random(100);
        await Registry.PushBlobAsync(repo, config);
        await Registry.PushBlobAsync(repo, good);
        await Registry.PushBlobAsync(repo, evil);

        foreach (string path in new[] { "../escaped.txt", "/etc/escaped.txt", "a/../../escaped.txt", "a//b" })
        {
            var manifest = Blob.Json(new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaType.OciManifest,
                ["artifactType"] = "application/vnd.cncf.model.manifest.v1+json",
                ["config"] = config.Descriptor(),
                ["layers"] = new JsonArray(
                    Layer(good, "fine.txt"),
                    Layer(evil, path)),
            }, MediaType.OciManifest);
            using (var put = await Registry.PutManifestAsync(repo, "evil", manifest)) await OciAssert.Status(put, HttpStatusCode.Created);

            string target = Path.Combine(dir.Path, "target", "inner");
            var result = await cli.TryRunAsync("pull", $"{Server.HostPort}/{repo}:evil", target);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("refusing to pull", result.StdErr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(target), $"{target} was created for {path}");
            Assert.False(File.Exists(Path.Combine(dir.Path, "target", "escaped.txt")));
            Assert.False(File.Exists("/etc/escaped.txt"));
        }

        static JsonObject Layer(Blob blob, string path) => new()
        {
            ["mediaType"] = "application/vnd.cncf.model.doc.v1.raw",
            ["digest"] = blob.Digest,
            ["size"] = blob.Size,
            ["annotations"] = new JsonObject { ["org.cncf.model.filepath"] = path },
        };
    }

    [Fact]
    public async Task Bad_references_and_flags_fail_with_a_clear_message_and_push_nothing()
    {
        using var dir = new TempDirectory("wharf-e2e");
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"));
        string repo = NewRepo("cli");

        var noRegistry = await cli.TryRunAsync("push", model, $"{repo}:v1");
        Assert.Equal(2, noRegistry.ExitCode);
        Assert.Contains("no registry host", noRegistry.StdErr, StringComparison.Ordinal);

        var badMetric = await cli.TryRunAsync("push", model, $"{Server.HostPort}/{repo}:v1", "--metric", "accuracy=high");
        Assert.Equal(2, badMetric.ExitCode);
        Assert.Contains("finite decimal number", badMetric.StdErr, StringComparison.Ordinal);

        var badSize = await cli.TryRunAsync("push", model, $"{Server.HostPort}/{repo}:v1", "--param-size", "seven");
        Assert.Equal(2, badSize.ExitCode);

        Assert.Equal(HttpStatusCode.NotFound, await Registry.ManifestStatusAsync(repo, "v1"));

        var missing = await cli.TryRunAsync("pull", $"{Server.HostPort}/{repo}:nope", Path.Combine(dir.Path, "out"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.StdErr, StringComparison.Ordinal);
    }
}

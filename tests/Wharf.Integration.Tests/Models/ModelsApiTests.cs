using System.Net;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;
using static Wharf.Ml.Tests.ModelFiles;

namespace Wharf.Integration.Tests.Models;

/// <summary>/api/v1 search, tags, history and diff against the real server, and its refusals of bad input.</summary>
public sealed class ModelsApiTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    private ModelsApiClient Api => new(Http);

    private static string NewNamespace() => "ns" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Search_filters_by_text_format_architecture_size_quantization_licence_namespace_and_kind()
    {
        string ns = NewNamespace();
        var pack = ModelArtifacts.ModelPack(name: "tiny-llama");
        var kit = ModelArtifacts.ModelKit();
        var docker = ModelArtifacts.DockerModel();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync($"{ns}/pack", pack, "v1");
        await Registry.PushImageAsync($"{ns}/kit", kit, "v1");
        await Registry.PushImageAsync($"{ns}/docker", docker, "v1");
        await Registry.PushImageAsync($"{ns}/app", image, "v1");
        foreach (var repo in new[] { "pack", "kit", "docker", "app" }) await Api.IndexedAsync($"{ns}/{repo}", "v1");

        async Task<string[]> Find(string query)
        {
            var body = await Api.OkAsync($"/api/v1/models?namespace={ns}&{query}");
            return body["models"]!.AsArray().Select(m => m!["repository"]!.GetValue<string>()[(ns.Length + 1)..]).ToArray();
        }
        Assert.Equal(["app", "docker", "kit", "pack"], await Find("limit=100"));
        Assert.Equal(["pack"], await Find("format=safetensors"));
        Assert.Equal(["docker", "kit"], await Find("format=GGUF"));
        Assert.Equal(["docker"], await Find("architecture=qwen2"));
        Assert.Equal(["docker"], await Find("quantization=q4_k_m"));
        Assert.Equal(["kit"], await Find("license=mit"));
        Assert.Equal(["pack"], await Find("license=Apache-2.0"));
        Assert.Equal(["kit"], await Find("q=sentiment"));
        Assert.Equal(["pack"], await Find("kind=modelpack"));
        Assert.Equal(["app"], await Find("kind=image"));
        Assert.Equal(["pack"], await Find("maxParameters=500k"));
        Assert.Equal(["docker", "kit"], await Find("minParameters=1m&maxParameters=2000000"));
        Assert.Empty(await Find("minParameters=1b"));

        var model = (await Api.OkAsync($"/api/v1/models?namespace={ns}&kind=docker-model"))["models"]![0]!;
        Assert.Equal((docker.Digest, "docker-model", "indexed", ModelArtifacts.GgufParameters),
            (model["digest"]!.GetValue<string>(), model["kind"]!.GetValue<string>(), model["status"]!.GetValue<string>(), model["parameterCount"]!.GetValue<long>()));
        Assert.Equal(["v1"], ModelsApiClient.Strings(model["tags"]));
    }

    [Fact]
    public async Task Search_pages_by_cursor_with_a_Link_to_the_next_page()
    {
        string ns = NewNamespace();
        var pushed = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            var image = Images.Random(layers: 1);
            await Registry.PushImageAsync($"{ns}/r{i}", image, "v1");
            await Api.IndexedAsync($"{ns}/r{i}", "v1");
            pushed.Add(image.Digest);
        }
        var seen = new List<string>();
        string? next = $"/api/v1/models?namespace={ns}&limit=2";
        int pages = 0;
        while (next is not null)
        {
            using var response = await Http.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            seen.AddRange(body["models"]!.AsArray().Select(m => m!["digest"]!.GetValue<string>()));
            pages++;
            if (body["next"] is null)
            {
                Assert.False(response.Headers.Contains("Link"));
                next = null;
            }
            else
            {
                string link = response.Headers.GetValues("Link").Single();
                Assert.EndsWith(">; rel=\"next\"", link);
                next = link[1..link.IndexOf('>')];
                Assert.Contains("cursor=" + body["next"]!.GetValue<string>(), next);
            }
        }
        Assert.Equal(3, pages);
        pushed.Reverse();
        Assert.Equal(pushed, seen); // newest first, each once
    }

    [Theory]
    [InlineData("/api/v1/models?limit=0", "limit must be")]
    [InlineData("/api/v1/models?limit=abc", "limit must be")]
    [InlineData("/api/v1/models?limit=1000", "limit must be")]
    [InlineData("/api/v1/models?cursor=xyz", "cursor 'xyz'")]
    [InlineData("/api/v1/models?kind=weights", "kind 'weights' is not one of")]
    [InlineData("/api/v1/models?minParameters=lots", "minParameters must be")]
    [InlineData("/api/v1/models?minParameters=2b&maxParameters=1b", "larger than maxParameters")]
    [InlineData("/api/v1/models?namespace=a/b", "not a valid namespace")]
    [InlineData("/api/v1/models?frmat=gguf", "unknown query parameter 'frmat'")]
    [InlineData("/api/v1/models?format=a&format=b", "more than once")]
    [InlineData("/api/v1/models?attachments=maybe", "attachments must be")]
    [InlineData("/api/v1/repositories/x/history?limit=-1", "limit must be")]
    [InlineData("/api/v1/repositories/x/history?tag=bad%20tag", "not a valid tag")]
    [InlineData("/api/v1/repositories/x/diff?from=v1", "needs both")]
    [InlineData("/api/v1/repositories/x/versions/v1?verbose=1", "unknown query parameter")]
    [InlineData("/api/v1/repositories/x/versions/sha256:zz", "neither a valid tag nor a valid digest")]
    public async Task Bad_query_parameters_get_400_with_a_clear_message(string path, string message)
    {
        var (code, text) = await Api.ErrorAsync(path, HttpStatusCode.BadRequest);
        Assert.Equal("PARAMETER_INVALID", code);
        Assert.Contains(message, text);
    }

    [Fact]
    public async Task Unknown_names_and_paths_get_404_and_bad_names_400()
    {
        Assert.Equal("NAME_INVALID", (await Api.ErrorAsync("/api/v1/repositories/Bad_Name/tags", HttpStatusCode.BadRequest)).Code);
        Assert.Equal("NAME_UNKNOWN", (await Api.ErrorAsync("/api/v1/repositories/no/such/tags", HttpStatusCode.NotFound)).Code);
        Assert.Equal("NAME_UNKNOWN", (await Api.ErrorAsync("/api/v1/repositories/no/such/versions/v1", HttpStatusCode.NotFound)).Code);
        Assert.Equal("NAME_UNKNOWN", (await Api.ErrorAsync("/api/v1/repositories/no/such/versions", HttpStatusCode.NotFound)).Code);
        Assert.Equal("NAME_UNKNOWN", (await Api.ErrorAsync("/api/v1/repositories/no/such/history", HttpStatusCode.NotFound)).Code);
        string repo = NewRepo("known");
        await Registry.PushImageAsync(repo, Images.Random(layers: 1), "v1");
        Assert.Equal("MANIFEST_UNKNOWN", (await Api.ErrorAsync($"/api/v1/repositories/{repo}/versions/v2", HttpStatusCode.NotFound)).Code);
        Assert.Equal("NOT_FOUND", (await Api.ErrorAsync($"/api/v1/repositories/{repo}/nothing", HttpStatusCode.NotFound)).Code);
    }

    [Fact]
    public async Task Tags_come_in_semantic_version_order_then_the_rest()
    {
        string repo = NewRepo("semver");
        var image = Images.Random(layers: 1);
        string[] tags = ["latest", "1.10.0", "v1.2.0", "1.2.0-rc.1", "1.2.0-alpha", "0.9.0", "stable", "2.0.0"];
        await Registry.PushImageAsync(repo, image, tags[0]);
        foreach (string tag in tags.Skip(1))
        {
            using var put = await Registry.PutManifestAsync(repo, tag, image.Manifest);
            await OciAssert.Status(put, HttpStatusCode.Created);
        }
        var body = await Api.OkAsync($"/api/v1/repositories/{repo}/tags");
        var listed = body["tags"]!.AsArray();
        Assert.Equal(["0.9.0", "1.2.0-alpha", "1.2.0-rc.1", "v1.2.0", "1.10.0", "2.0.0", "latest", "stable"], listed.Select(t => t!["name"]!.GetValue<string>()));
        Assert.All(listed, t => Assert.Equal(image.Digest, t!["digest"]!.GetValue<string>()));
        Assert.Equal([true, true, true, true, true, true, false, false], listed.Select(t => t!["semver"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task History_lists_every_move_newest_first_by_tag_and_by_page()
    {
        string repo = NewRepo("hist");
        var a = Images.Random(layers: 1);
        var b = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, a, "v1");
        await Registry.PushImageAsync(repo, b, "v1");
        await Registry.PushImageAsync(repo, b, "prod");
        using (var delete = await Registry.DeleteAsync($"/v2/{repo}/manifests/prod")) await OciAssert.Status(delete, HttpStatusCode.Accepted);

        var moves = (await Api.OkAsync($"/api/v1/repositories/{repo}/history"))["moves"]!.AsArray();
        Assert.Equal(
            [("prod", b.Digest, null), ("prod", null, b.Digest), ("v1", a.Digest, b.Digest), ("v1", null, a.Digest)],
            moves.Select(m => (m!["tag"]!.GetValue<string>(), m["oldDigest"]?.GetValue<string>(), m["newDigest"]?.GetValue<string>())));
        Assert.All(moves, m => Assert.True(m!["at"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-5)));

        var v1 = (await Api.OkAsync($"/api/v1/repositories/{repo}/history?tag=v1"))["moves"]!.AsArray();
        Assert.Equal(2, v1.Count);

        var first = await Api.OkAsync($"/api/v1/repositories/{repo}/history?limit=3");
        Assert.Equal(3, first["moves"]!.AsArray().Count);
        var rest = await Api.OkAsync($"/api/v1/repositories/{repo}/history?limit=3&cursor={first["next"]!.GetValue<string>()}");
        Assert.Equal(a.Digest, Assert.Single(rest["moves"]!.AsArray())!["newDigest"]!.GetValue<string>());
        Assert.Null(rest["next"]);
    }

    [Fact]
    public async Task Diff_names_the_files_and_metadata_that_changed_between_versions()
    {
        string repo = NewRepo("diff");
        var v1 = ModelArtifacts.ModelPack(version: "1.0.0");
        var v2 = ModelArtifacts.ModelPack(version: "1.1.0", license: "MIT", extraFile: "print('train')",
            weights: Safetensors([.. ModelArtifacts.SafetensorsTensors, new("lm_head.weight", "BF16", 64, 10)]),
            annotations: new Dictionary<string, string> { ["org.wharf.metric.accuracy"] = "0.95" });
        await Registry.PushImageAsync(repo, v1, "1.0.0");
        await Registry.PushImageAsync(repo, v2, "1.1.0");
        await Api.IndexedAsync(repo, "1.0.0");
        await Api.IndexedAsync(repo, "1.1.0");

        var diff = await Api.OkAsync($"/api/v1/repositories/{repo}/diff?from=1.0.0&to=1.1.0");
        Assert.Equal((v1.Digest, v2.Digest), (diff["from"]!["digest"]!.GetValue<string>(), diff["to"]!["digest"]!.GetValue<string>()));
        Assert.Equal(["train.py"], diff["files"]!["added"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()));
        Assert.Empty(diff["files"]!["removed"]!.AsArray());
        var changed = Assert.Single(diff["files"]!["changed"]!.AsArray())!;
        Assert.Equal("model.safetensors", changed["path"]!.GetValue<string>());
        Assert.Equal(ModelArtifacts.SafetensorsParameters + 640, changed["to"]!["parameterCount"]!.GetValue<long>());
        var fields = diff["metadata"]!.AsArray().ToDictionary(f => f!["field"]!.GetValue<string>(), f => (f!["from"]?.GetValue<string>(), f["to"]?.GetValue<string>()));
        Assert.Equal(("1.0.0", "1.1.0"), fields["version"]);
        Assert.Equal(("Apache-2.0", "MIT"), fields["licenses"]);
        Assert.Equal((ModelArtifacts.SafetensorsParameters.ToString(), (ModelArtifacts.SafetensorsParameters + 640).ToString()), fields["parameterCount"]);
        Assert.Equal((null, "0.95"), fields["lineage.metrics.accuracy"]);
        Assert.Equal(["licenses", "lineage.metrics.accuracy", "parameterCount", "version"], fields.Keys.Order(StringComparer.Ordinal));

        Assert.Empty((await Api.OkAsync($"/api/v1/repositories/{repo}/diff?from=1.0.0&to={v1.Digest}"))["metadata"]!.AsArray());
    }

    [Fact]
    public async Task The_OpenAPI_document_is_served()
    {
        using var response = await Http.GetAsync("/api/v1/openapi.yaml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string yaml = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("openapi: 3.1", yaml);
        foreach (string path in new[] { "/api/v1/models:", "/api/v1/repositories/{repository}/versions/{reference}:", "/api/v1/repositories/{repository}/tags:",
            "/api/v1/repositories/{repository}/history:", "/api/v1/repositories/{repository}/diff:", "/api/v1/repositories/{repository}/versions:" })
            Assert.Contains(path, yaml);
    }
}

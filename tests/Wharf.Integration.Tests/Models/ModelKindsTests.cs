using System.Net;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;
using static Wharf.Ml.Tests.ModelFiles;

namespace Wharf.Integration.Tests.Models;

/// <summary>Each kind of model artifact, pushed in its published layout, read back classified and indexed through /api/v1.</summary>
public sealed class ModelKindsTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    private ModelsApiClient Api => new(Http);

    [Fact]
    public async Task A_ModelPack_is_indexed_from_its_config_weights_card_and_lineage()
    {
        string repo = NewRepo("mp");
        var lineage = new Dictionary<string, string>
        {
            ["org.wharf.training.run"] = "https://mlflow.example/runs/7",
            ["org.wharf.source.commit"] = "0123456789abcdef",
            ["org.wharf.dataset.digests"] = "sha256:" + new string('d', 64),
            ["org.wharf.metric.accuracy"] = "0.91",
            ["org.opencontainers.image.source"] = "https://git.example/tiny",
        };
        var model = ModelArtifacts.ModelPack(annotations: lineage);
        await Registry.PushImageAsync(repo, model, "v1.0.0");

        var detail = await Api.IndexedAsync(repo, "v1.0.0");
        Assert.Equal("indexed", detail["index"]!["status"]!.GetValue<string>());
        Assert.Equal("modelpack", detail["kind"]!.GetValue<string>());
        Assert.Equal(model.Digest, detail["digest"]!.GetValue<string>());
        Assert.Equal(["v1.0.0"], ModelsApiClient.Strings(detail["tags"]));
        var m = detail["metadata"]!;
        Assert.Equal(("tiny-llama", "1.0.0", "transformer", "safetensors", "266k", "bf16"),
            (S(m, "name"), S(m, "version"), S(m, "architecture"), S(m, "format"), S(m, "parameterSize"), S(m, "precision")));
        Assert.Equal(ModelArtifacts.SafetensorsParameters, m["parameterCount"]!.GetValue<long>()); // counted, not the declared "266k"
        Assert.Equal(["Apache-2.0"], ModelsApiClient.Strings(m["licenses"]));
        Assert.Equal(["ml-team@example.com"], ModelsApiClient.Strings(m["authors"]));

        var files = detail["files"]!.AsArray();
        Assert.Equal(["model.safetensors", "config.json", "README.md"], files.Select(f => S(f!, "path")));
        var weights = files[0]!;
        Assert.Equal(("weight", "safetensors", 3), (S(weights, "role"), S(weights, "format"), weights["tensorCount"]!.GetValue<int>()));
        Assert.Equal(ModelArtifacts.SafetensorsParameters, weights["parameterCount"]!.GetValue<long>());
        Assert.Equal(4096 * 64 + 64 * 64, weights["parametersByDtype"]!["BF16"]!.GetValue<long>());
        Assert.Equal(model.ExtraBlobs[1].Size, weights["size"]!.GetValue<long>());
        Assert.Equal("application/vnd.cncf.model.weight.v1.raw", S(weights, "mediaType"));

        Assert.Contains("# Tiny llama", S(detail["card"]!, "markdown"));
        Assert.Equal("apache-2.0", S(detail["card"]!["frontMatter"]!, "license"));
        Assert.Equal("README.md", S(detail["card"]!, "source"));

        var l = detail["lineage"]!;
        Assert.Equal(("https://mlflow.example/runs/7", "0123456789abcdef", "https://git.example/tiny"), (S(l, "trainingRun"), S(l, "sourceCommit"), S(l, "sourceRepository")));
        Assert.Equal(["sha256:" + new string('d', 64)], ModelsApiClient.Strings(l["datasetDigests"]));
        Assert.Equal("0.91", S(l["metrics"]!, "accuracy"));
    }

    [Fact]
    public async Task A_KitOps_ModelKit_is_indexed_from_its_Kitfile_and_the_GGUF_inside_its_tar()
    {
        string repo = NewRepo("kit");
        var kit = ModelArtifacts.ModelKit();
        await Registry.PushImageAsync(repo, kit, "2.1.0");
        var detail = await Api.IndexedAsync(repo, "2.1.0");
        Assert.Equal(("modelkit", "indexed"), (S(detail, "kind"), S(detail["index"]!, "status")));
        var m = detail["metadata"]!;
        Assert.Equal(("sentiment", "2.1.0", "llama.cpp", "gguf", "llama", "Q8_0"),
            (S(m, "name"), S(m, "version"), S(m, "framework"), S(m, "format"), S(m, "architecture"), S(m, "quantization")));
        Assert.Equal(ModelArtifacts.GgufParameters, m["parameterCount"]!.GetValue<long>());
        Assert.Equal(2048, m["contextLength"]!.GetValue<long>());
        Assert.Equal(["MIT"], ModelsApiClient.Strings(m["licenses"]));
        var files = detail["files"]!.AsArray();
        Assert.Equal(["models/sentiment.gguf", "README.md", "src/train.py"], files.Select(f => S(f!, "path")));
        Assert.Equal(("model", "gguf", 3), (S(files[0]!, "role"), S(files[0]!, "format"), files[0]!["tensorCount"]!.GetValue<int>()));
        Assert.Equal("docs", S(files[1]!, "role"));
        Assert.Contains("# Sentiment", S(detail["card"]!, "markdown"));
    }

    [Fact]
    public async Task A_Docker_model_artifact_is_indexed_from_its_config_and_GGUF_layer()
    {
        string repo = NewRepo("dm");
        var model = ModelArtifacts.DockerModel();
        await Registry.PushImageAsync(repo, model, "latest");
        var detail = await Api.IndexedAsync(repo, "latest");
        Assert.Equal(("docker-model", "indexed"), (S(detail, "kind"), S(detail["index"]!, "status")));
        var m = detail["metadata"]!;
        Assert.Equal(("gguf", "qwen2", "Q4_K_M", "1.03 M"), (S(m, "format"), S(m, "architecture"), S(m, "quantization"), S(m, "parameterSize")));
        Assert.Equal(ModelArtifacts.GgufParameters, m["parameterCount"]!.GetValue<long>());
        Assert.Equal(32768, m["contextLength"]!.GetValue<long>());
        var files = detail["files"]!.AsArray();
        Assert.Equal(["weight", "license"], files.Select(f => S(f!, "role")));
        Assert.Equal(("Q4_K_M", "qwen2"), (S(files[0]!, "quantization"), S(files[0]!, "architecture")));
    }

    [Fact]
    public async Task An_ollama_model_is_recognised_and_its_weights_read_by_magic()
    {
        string repo = NewRepo("ol");
        var model = ModelArtifacts.Ollama();
        await Registry.PushImageAsync(repo, model, "2b");
        var detail = await Api.IndexedAsync(repo, "2b");
        Assert.Equal(("ollama", "indexed"), (S(detail, "kind"), S(detail["index"]!, "status")));
        var m = detail["metadata"]!;
        Assert.Equal(("gguf", "gemma", "Q8_0", "1.0M"), (S(m, "format"), S(m, "family"), S(m, "quantization"), S(m, "parameterSize")));
        Assert.Equal(ModelArtifacts.GgufParameters, m["parameterCount"]!.GetValue<long>());
        Assert.Equal(8192, m["contextLength"]!.GetValue<long>());
        Assert.Equal(["weight", "template", "license"], detail["files"]!.AsArray().Select(f => S(f!, "role")));
    }

    [Fact]
    public async Task An_image_and_an_index_are_classified_as_such()
    {
        string repo = NewRepo("img");
        var image = Images.Random(layers: 1, annotations: new Dictionary<string, string> { ["org.opencontainers.image.title"] = "serving", ["org.opencontainers.image.licenses"] = "MIT" });
        await Registry.PushImageAsync(repo, image, "app");
        var index = Images.Index(layers: 1);
        await Registry.PushImageAsync(repo, index, "multi");
        var detail = await Api.IndexedAsync(repo, "app");
        Assert.Equal(("image", "serving"), (S(detail, "kind"), S(detail["metadata"]!, "title")));
        Assert.Equal(["MIT"], ModelsApiClient.Strings(detail["metadata"]!["licenses"]));
        var multi = await Api.IndexedAsync(repo, "multi");
        Assert.Equal("index", S(multi, "kind"));
        Assert.Equal(index.Children.Select(c => c.Digest), multi["files"]!.AsArray().Select(f => S(f!, "digest")));
    }

    [Fact]
    public async Task A_hostile_safetensors_layer_records_an_indexing_error_and_the_push_stands()
    {
        string repo = NewRepo("evil");
        var hostile = SafetensorsRaw("{}", 256, declaredLength: ulong.MaxValue / 2);
        var model = ModelArtifacts.ModelPack(weights: hostile);
        await Registry.PushImageAsync(repo, model, "v1"); // 201 asserted: the push succeeds
        Assert.Equal(HttpStatusCode.OK, await Registry.ManifestStatusAsync(repo, "v1"));

        var detail = await Api.IndexedAsync(repo, "v1");
        Assert.Equal(("modelpack", "partial"), (S(detail, "kind"), S(detail["index"]!, "status")));
        var error = Assert.Single(ModelsApiClient.Strings(detail["index"]!["errors"]));
        Assert.Contains("model.safetensors: safetensors: the header declares", error);
        Assert.Contains("over the limit", S(detail["files"]![0]!, "error"));
        Assert.Equal("tiny-llama", S(detail["metadata"]!, "name")); // everything else still indexed
        Assert.Contains("# Tiny llama", S(detail["card"]!, "markdown"));
    }

    [Fact]
    public async Task Attachments_are_grouped_by_kind_and_a_card_referrer_becomes_the_card()
    {
        string repo = NewRepo("att");
        var model = ModelArtifacts.ModelPack();
        await Registry.PushImageAsync(repo, model, "v1");
        await Api.IndexedAsync(repo, "v1");
        var subject = model.Descriptor();
        var card = ModelArtifacts.Card(subject, "---\nlicense: mit\n---\n# Attached card\nFine-tuned on Zanzibar dialogues.\n");
        var sbom = ModelArtifacts.Attachment(subject, "application/spdx+json", "application/spdx+json");
        var signature = ModelArtifacts.Attachment(subject, "application/vnd.dev.cosign.artifact.sig.v1+json", "application/vnd.dev.cosign.simplesigning.v1+json");
        foreach (var a in new[] { card, sbom, signature }) await Registry.PushImageAsync(repo, a);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonNode detail;
        do
        {
            await Task.Delay(100);
            detail = await Api.OkAsync($"/api/v1/repositories/{repo}/versions/v1");
        }
        while (S(detail["card"]!, "source") == "README.md" && DateTime.UtcNow < deadline);
        Assert.Equal("referrer " + card.Digest, S(detail["card"]!, "source"));
        Assert.Contains("# Attached card", S(detail["card"]!, "markdown"));
        var attachments = detail["attachments"]!.AsObject();
        Assert.Equal(["card", "sbom", "signature"], attachments.Select(a => a.Key));
        Assert.Equal(card.Digest, S(attachments["card"]![0]!, "digest"));
        Assert.Equal(sbom.Digest, S(attachments["sbom"]![0]!, "digest"));

        // Attachments are not versions of their own in the model list.
        var list = await Api.OkAsync($"/api/v1/repositories/{repo}/versions");
        Assert.Equal([model.Digest], list["models"]!.AsArray().Select(v => S(v!, "digest")));

        // q= finds the version by its card's text, whatever the case; the attachment itself is not listed.
        var byCard = await Api.OkAsync($"/api/v1/repositories/{repo}/versions?q=ZANZIBAR%20dialogues");
        Assert.Equal([model.Digest], byCard["models"]!.AsArray().Select(v => S(v!, "digest")));
        var nothing = await Api.OkAsync($"/api/v1/repositories/{repo}/versions?q=zanzibar%20monologues");
        Assert.Empty(nothing["models"]!.AsArray());
    }

    private static string S(JsonNode node, string name) => node[name]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"no {name} in {node.ToJsonString()}");
}

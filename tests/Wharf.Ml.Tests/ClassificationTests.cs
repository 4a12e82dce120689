using System.Text;
using Wharf.Core;

namespace Wharf.Ml.Tests;

public sealed class ClassificationTests
{
    private const string Empty = """{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}""";

    private static ParsedManifest Manifest(string? artifactType, string configType, params string[] layerTypes)
    {
        string D(string type) => $$"""{"mediaType":"{{type}}","digest":"sha256:{{new string('a', 64)}}","size":1}""";
        string json = $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",{{(artifactType is null ? "" : $"\"artifactType\":\"{artifactType}\",")}}"config":{{(configType == "empty" ? Empty : D(configType))}},"layers":[{{string.Join(",", layerTypes.Select(D))}}]}""";
        var parsed = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest);
        Assert.True(parsed.Ok, parsed.Error?.Message);
        return parsed.Value;
    }

    [Theory]
    [InlineData("application/vnd.cncf.model.manifest.v1+json", "empty", "application/vnd.cncf.model.weight.v1.raw", "modelpack")]
    [InlineData(null, "application/vnd.cncf.model.config.v1+json", "application/vnd.cncf.model.weight.v1.tar", "modelpack")]
    [InlineData(null, "application/vnd.kitops.modelkit.config.v1+json", "application/vnd.kitops.modelkit.model.v1.tar", "modelkit")]
    [InlineData(null, "application/vnd.docker.ai.model.config.v0.1+json", "application/vnd.docker.ai.gguf.v3", "docker-model")]
    [InlineData(null, "application/vnd.docker.ai.model.config.v0.2+json", "application/vnd.docker.ai.safetensors", "docker-model")]
    [InlineData(null, "application/vnd.docker.container.image.v1+json", "application/vnd.ollama.image.model", "ollama")]
    [InlineData(null, "application/vnd.oci.image.config.v1+json", "application/vnd.oci.image.layer.v1.tar+gzip", "image")]
    [InlineData("application/vnd.example.sbom", "empty", "application/spdx+json", "artifact")]
    [InlineData(null, "application/vnd.oci.image.config.v1+json", "application/vnd.kitops.modelkit.docs.v1.tar", "modelkit")]
    public void Each_kind_is_recognised_from_media_types(string? artifactType, string config, string layer, string kind) =>
        Assert.Equal(kind, ArtifactClassifier.Name(ArtifactClassifier.Classify(Manifest(artifactType, config, layer))));

    [Fact]
    public void An_index_is_an_index()
    {
        var json = $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""";
        var parsed = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciIndex);
        Assert.Equal(ArtifactKind.ImageIndex, ArtifactClassifier.Classify(parsed.Value));
    }

    [Theory]
    [InlineData("application/vnd.wharf.model.card.v1", "card")]
    [InlineData("application/vnd.wharf.training.run.v1+json", "run")]
    [InlineData("application/vnd.wharf.sbom.v1", "sbom")]
    [InlineData("application/vnd.wharf.signature.v1", "signature")]
    [InlineData("application/vnd.wharf.scan.v1+json", "scan")]
    [InlineData("application/vnd.wharf.model.eval.v1+json", "eval")]
    [InlineData("application/spdx+json", "sbom")]
    [InlineData("application/vnd.cyclonedx+json", "sbom")]
    [InlineData("application/vnd.dev.cosign.artifact.sig.v1+json", "signature")]
    [InlineData("application/vnd.cncf.notary.signature", "signature")]
    [InlineData("application/sarif+json", "scan")]
    [InlineData("application/vnd.example.thing", "other")]
    public void Attachments_are_grouped_by_kind(string artifactType, string kind) => Assert.Equal(kind, AttachmentKinds.Classify(artifactType));

    [Fact]
    public void The_attachment_kind_annotation_wins_when_it_names_a_kind()
    {
        Assert.Equal("eval", AttachmentKinds.Classify("application/x-anything", new Dictionary<string, string> { ["org.wharf.attachment.kind"] = "eval" }));
        Assert.Equal("sbom", AttachmentKinds.Classify("application/spdx+json", new Dictionary<string, string> { ["org.wharf.attachment.kind"] = "bogus" }));
    }

    [Theory]
    [InlineData("8b", 8_000_000_000L)]
    [InlineData("6.7B", 6_700_000_000L)]
    [InlineData("361.82 M", 361_820_000L)]
    [InlineData("1.0t", 1_000_000_000_000L)]
    [InlineData("100m", 100_000_000L)]
    [InlineData("12345", 12345L)]
    public void Parameter_sizes_parse(string text, long expected) => Assert.Equal(expected, ParameterSize.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-5b")]
    public void Nonsense_parameter_sizes_are_absent(string text) => Assert.Null(ParameterSize.Parse(text));

    [Fact]
    public void Lineage_comes_from_wharf_and_oci_annotations()
    {
        var problems = new List<string>();
        var lineage = Lineage.From(new Dictionary<string, string>
        {
            ["org.wharf.training.run"] = "https://mlflow.example/runs/42",
            ["org.opencontainers.image.revision"] = "abc123",
            ["org.wharf.dataset.digests"] = $"sha256:{new string('a', 64)},sha256:{new string('b', 64)},nope",
            ["org.wharf.metric.accuracy"] = "0.93",
            ["org.wharf.metrics.f1"] = "0.9",
            ["org.wharf.metric.loss"] = "low",
            ["unrelated"] = "x",
        }, problems);
        Assert.NotNull(lineage);
        Assert.Equal("https://mlflow.example/runs/42", lineage.TrainingRun);
        Assert.Equal("abc123", lineage.SourceCommit);
        Assert.Equal([$"sha256:{new string('a', 64)}", $"sha256:{new string('b', 64)}"], lineage.DatasetDigests);
        Assert.Equal(["annotation org.wharf.metric.loss: 'low' is not a decimal number", "annotation org.wharf.dataset.digests: 'nope' is not a digest"], problems);
        Assert.Equal(new Dictionary<string, string> { ["accuracy"] = "0.93", ["f1"] = "0.9" }, lineage.Metrics);
        Assert.Null(Lineage.From(new Dictionary<string, string> { ["unrelated"] = "x" }));
    }

    [Fact]
    public void Cards_keep_markdown_and_read_front_matter()
    {
        var card = ModelCards.Parse("---\nlicense: apache-2.0\ntags:\n  - text\n  - llm\n---\n# Tiny\n"u8, "README.md");
        Assert.Equal("# Tiny\n", card.Markdown[card.Markdown.IndexOf('#')..]);
        Assert.Equal("apache-2.0", card.FrontMatter!["license"]);
        Assert.Equal("text, llm", card.FrontMatter["tags"]);
        Assert.Null(ModelCards.Parse("# No front matter"u8, "x").FrontMatter);
        Assert.Null(ModelCards.Parse("---\n: : [\n---\n"u8, "x").FrontMatter);
    }
}

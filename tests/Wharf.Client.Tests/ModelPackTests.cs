using System.Text;
using System.Text.Json;
using Wharf.Client.ModelPack;
using Wharf.Core;

namespace Wharf.Client.Tests;

/// <summary>Packing rules that need no registry: layer kinds, reproducibility, metadata, path safety.</summary>
public sealed class ModelPackTests
{
    [Theory]
    [InlineData("model.safetensors", ModelMediaTypes.ModelPackWeightRaw)]
    [InlineData("shards/model-00001-of-00002.gguf", ModelMediaTypes.ModelPackWeightRaw)]
    [InlineData("pytorch_model.bin", ModelMediaTypes.ModelPackWeightRaw)]
    [InlineData("model.onnx", ModelMediaTypes.ModelPackWeightRaw)]
    [InlineData("config.json", ModelMediaTypes.ModelPackWeightConfigRaw)]
    [InlineData("tokenizer_config.json", ModelMediaTypes.ModelPackWeightConfigRaw)]
    [InlineData("vocab.txt", ModelMediaTypes.ModelPackWeightConfigRaw)]
    [InlineData("model.safetensors.index.json", ModelMediaTypes.ModelPackWeightConfigRaw)]
    [InlineData("README.md", ModelMediaTypes.ModelPackDocRaw)]
    [InlineData("LICENSE", ModelMediaTypes.ModelPackDocRaw)]
    [InlineData("docs/usage.md", ModelMediaTypes.ModelPackDocRaw)]
    [InlineData("requirements.txt", ModelMediaTypes.ModelPackCodeRaw)]
    [InlineData("src/infer.py", ModelMediaTypes.ModelPackCodeRaw)]
    [InlineData("data/train.bin", ModelMediaTypes.ModelPackDatasetRaw)]
    [InlineData("eval.parquet", ModelMediaTypes.ModelPackDatasetRaw)]
    [InlineData("something.unknown", ModelMediaTypes.ModelPackWeightConfigRaw)]
    public void Files_become_the_layer_kind_the_table_says(string path, string mediaType) =>
        Assert.Equal(mediaType, LayerKinds.MediaTypeFor(path));

    [Fact]
    public async Task The_same_directory_packs_to_the_same_bytes_whatever_the_file_times_and_creation_order()
    {
        using var a = new TempDirectory("wharf-ct");
        using var b = new TempDirectory("wharf-ct");
        a.File("z.safetensors", [1, 2, 3]);
        a.File("config.json", "{\"architectures\":[\"BertModel\"],\"torch_dtype\":\"float16\"}"u8.ToArray());
        a.File("nested/README.md", "hi"u8.ToArray());
        b.File("nested/README.md", "hi"u8.ToArray());
        b.File("config.json", "{\"architectures\":[\"BertModel\"],\"torch_dtype\":\"float16\"}"u8.ToArray());
        b.File("z.safetensors", [1, 2, 3]);
        File.SetLastWriteTimeUtc(Path.Combine(b.Path, "z.safetensors"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        a.File(".git/HEAD", "ref"u8.ToArray()); // hidden: not packed

        var options = new ModelPackOptions { Metrics = [new("b", "2"), new("a", "1")], ParamSize = "110M" };
        var first = await PackAsync(a.Path, options);
        var second = await PackAsync(b.Path, options with { Metrics = [new("a", "1"), new("b", "2")] });

        Assert.Equal(Encoding.UTF8.GetString(first.Manifest), Encoding.UTF8.GetString(second.Manifest));
        Assert.Equal(first.ManifestDigest, second.ManifestDigest);
        Assert.Equal(["config.json", "nested/README.md", "z.safetensors"], first.Layers.Select(l => l.RelativePath));

        using var config = JsonDocument.Parse(first.Config);
        var c = config.RootElement.GetProperty("config");
        Assert.Equal("BertModel", c.GetProperty("architecture").GetString());
        Assert.Equal("fp16", c.GetProperty("precision").GetString());
        Assert.Equal("safetensors", c.GetProperty("format").GetString());
        Assert.Equal("110M", c.GetProperty("paramSize").GetString());
        var diffIds = config.RootElement.GetProperty("modelfs").GetProperty("diffIds").EnumerateArray().Select(d => d.GetString()).ToList();
        Assert.Equal(first.Layers.Select(l => l.Digest.ToString()), diffIds);
        Assert.False(config.RootElement.GetProperty("descriptor").TryGetProperty("createdAt", out _));
    }

    [Fact]
    public async Task Lineage_flags_become_org_wharf_annotations_and_collisions_are_refused()
    {
        using var dir = new TempDirectory("wharf-ct");
        dir.File("w.gguf", [9]);
        string dataset = Wharf.Core.Digest.Compute("d"u8).ToString();
        var options = new ModelPackOptions
        {
            TrainingRun = "mlflow://runs/7",
            SourceCommit = "abc1234",
            DatasetDigests = [dataset],
            Metrics = [new("eval.accuracy", "0.91")],
            Annotations = [new("team", "nlp")],
        };
        var artifact = await PackAsync(dir.Path, options);
        using var manifest = JsonDocument.Parse(artifact.Manifest);
        var annotations = manifest.RootElement.GetProperty("annotations");
        Assert.Equal("mlflow://runs/7", annotations.GetProperty(AnnotationKeys.TrainingRun).GetString());
        Assert.Equal("abc1234", annotations.GetProperty(AnnotationKeys.SourceCommit).GetString());
        Assert.Equal(dataset, annotations.GetProperty(AnnotationKeys.DatasetDigests).GetString());
        Assert.Equal("0.91", annotations.GetProperty("org.wharf.metric.eval.accuracy").GetString());
        Assert.Equal("nlp", annotations.GetProperty("team").GetString());
        Assert.Equal(ModelMediaTypes.ModelPackManifest, manifest.RootElement.GetProperty("artifactType").GetString());

        await Assert.ThrowsAsync<ArgumentException>(() => PackAsync(dir.Path, options with { Annotations = [new(AnnotationKeys.TrainingRun, "other")] }));
        Assert.NotEmpty((options with { DatasetDigests = ["sha256:nope"] }).Validate());
        Assert.NotEmpty((options with { Metrics = [new("Bad Name", "1")] }).Validate());
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../x")]
    [InlineData("a\\b")]
    [InlineData("C:/x")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("")]
    [InlineData("a\nb")]
    public void Unsafe_paths_are_refused(string path)
    {
        using var dir = new TempDirectory("wharf-ct");
        var (resolved, problem) = SafePaths.Resolve(dir.Path, path);
        Assert.Null(resolved);
        Assert.NotNull(problem);
    }

    [Fact]
    public void A_path_through_a_symbolic_link_is_refused()
    {
        using var dir = new TempDirectory("wharf-ct");
        using var outside = new TempDirectory("wharf-ct");
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "link"), outside.Path);
        Assert.NotNull(SafePaths.Resolve(dir.Path, "link/file").Problem);
        Assert.Equal(Path.Combine(dir.Path, "a", "b.txt"), SafePaths.Resolve(dir.Path, "a/b.txt").Path);
    }

    private static async Task<ModelPackArtifact> PackAsync(string root, ModelPackOptions options)
    {
        var problems = options.Validate();
        Assert.Empty(problems);
        var files = await ModelDirectory.HashAsync(ModelDirectory.Scan(root), 2, null, CancellationToken.None);
        return ModelPackBuilder.Build(files, ModelMetadata.Read(root), options, "team/model", "v1");
    }
}

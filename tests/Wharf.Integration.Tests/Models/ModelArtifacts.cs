using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using static Wharf.Ml.Tests.ModelFiles;

namespace Wharf.Integration.Tests.Models;

/// <summary>
/// Model artifacts written by hand in their published layouts: CNCF ModelPack, KitOps ModelKit, Docker model
/// (model-distribution), ollama, each with real small safetensors/GGUF weights whose figures the tests know.
/// </summary>
public static class ModelArtifacts
{
    public const string ModelPackManifest = "application/vnd.cncf.model.manifest.v1+json";
    public const string ModelPackConfig = "application/vnd.cncf.model.config.v1+json";

    /// <summary>The tensors every safetensors weight here holds: 4096*64 + 64*64 BF16 and 64 F32 = 266,304 parameters.</summary>
    public static readonly Tensor[] SafetensorsTensors = [new("embed.weight", "BF16", 4096, 64), new("layers.0.q.weight", "BF16", 64, 64), new("norm.weight", "F32", 64)];
    public const long SafetensorsParameters = 4096 * 64 + 64 * 64 + 64;

    /// <summary>The tensors every GGUF weight here holds: 32000*32 + 32*32*4 + 32 = 1,028,128 parameters.</summary>
    public static readonly Tensor[] GgufTensors = [new("token_embd.weight", "Q4", 32, 32000), new("blk.0.attn.weight", "Q4", 32, 32, 4), new("output_norm.weight", "F32", 32)];
    public const long GgufParameters = 32000 * 32 + 32 * 32 * 4 + 32;

    public static JsonObject Annotations(IDictionary<string, string> values)
    {
        var o = new JsonObject();
        foreach (var (k, v) in values) o[k] = v;
        return o;
    }

    private static TestImage Manifest(string mediaType, string? artifactType, Blob config, IEnumerable<(Blob Blob, IDictionary<string, string>? Annotations)> layers,
        IDictionary<string, string>? annotations = null, JsonObject? subject = null)
    {
        var list = layers.ToList();
        var manifest = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = mediaType };
        if (artifactType is not null) manifest["artifactType"] = artifactType;
        manifest["config"] = config.Descriptor();
        manifest["layers"] = new JsonArray(list.Select(l => (JsonNode)l.Blob.Descriptor(d =>
        {
            if (l.Annotations is not null) d["annotations"] = Annotations(l.Annotations);
        })).ToArray());
        if (subject is not null) manifest["subject"] = subject.DeepClone();
        if (annotations is not null) manifest["annotations"] = Annotations(annotations);
        return new TestImage { Manifest = Blob.Json(manifest, mediaType), ExtraBlobs = [config, .. list.Select(l => l.Blob).DistinctBy(b => b.Digest)] };
    }

    private static Dictionary<string, string> Path(string path) => new() { ["org.cncf.model.filepath"] = path };

    /// <summary>A ModelPack as `wharf push DIR` writes it: raw layers, paths in org.cncf.model.filepath.</summary>
    public static TestImage ModelPack(string name = "tiny-llama", string version = "1.0.0", byte[]? weights = null, string? readme = null,
        IDictionary<string, string>? annotations = null, string license = "Apache-2.0", string extraFile = "")
    {
        weights ??= Safetensors(SafetensorsTensors, new Dictionary<string, string> { ["format"] = "pt" });
        var config = Blob.Json(new JsonObject
        {
            ["descriptor"] = new JsonObject
            {
                ["name"] = name, ["version"] = version, ["family"] = "llama", ["authors"] = new JsonArray("ml-team@example.com"),
                ["licenses"] = new JsonArray(license), ["createdAt"] = "2025-01-01T00:00:00Z", ["description"] = "a tiny test model",
            },
            ["config"] = new JsonObject { ["architecture"] = "transformer", ["format"] = "safetensors", ["paramSize"] = "266k", ["precision"] = "bf16" },
            ["modelfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray() },
        }, ModelPackConfig);
        var layers = new List<(Blob, IDictionary<string, string>?)>
        {
            (new Blob("application/vnd.cncf.model.weight.v1.raw", weights), Path("model.safetensors")),
            (new Blob("application/vnd.cncf.model.weight.config.v1.raw", """{"hidden_size":64}"""u8.ToArray()), Path("config.json")),
            (new Blob("application/vnd.cncf.model.doc.v1.raw", Encoding.UTF8.GetBytes(readme ?? "---\nlicense: apache-2.0\nlanguage: en\n---\n# Tiny llama\nA model card.\n")), Path("README.md")),
        };
        if (extraFile.Length > 0) layers.Add((new Blob("application/vnd.cncf.model.code.v1.raw", Encoding.UTF8.GetBytes(extraFile)), Path("train.py")));
        return Manifest(MediaType.OciManifest, ModelPackManifest, config, layers, annotations);
    }

    public static byte[] Tar(bool gzip, params (string Path, byte[] Data)[] files)
    {
        using var output = new MemoryStream();
        using (Stream target = gzip ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : output)
        using (var writer = new TarWriter(target, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, data) in files)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(data), ModificationTime = DateTimeOffset.UnixEpoch });
        }
        return output.ToArray();
    }

    /// <summary>A KitOps ModelKit: the Kitfile as JSON config; model (uncompressed tar), docs (tar+gzip) and code layers.</summary>
    public static TestImage ModelKit()
    {
        var config = Blob.Json(new JsonObject
        {
            ["manifestVersion"] = "1.0.0",
            ["package"] = new JsonObject { ["name"] = "sentiment", ["version"] = "2.1.0", ["description"] = "kit sentiment model", ["authors"] = new JsonArray("Jozu"), ["license"] = "MIT" },
            ["model"] = new JsonObject { ["name"] = "sentiment-gguf", ["path"] = "models/sentiment.gguf", ["framework"] = "llama.cpp", ["license"] = "MIT" },
            ["code"] = new JsonArray(new JsonObject { ["path"] = "src/", ["description"] = "training code" }),
            ["docs"] = new JsonArray(new JsonObject { ["path"] = "README.md" }),
        }, "application/vnd.kitops.modelkit.config.v1+json");
        var model = Tar(false, ("models/sentiment.gguf", Gguf("llama", 7, 2048, GgufTensors)));
        var docs = Tar(true, ("README.md", "# Sentiment\nClassifies text.\n"u8.ToArray()));
        var code = Tar(true, ("src/train.py", "print('train')\n"u8.ToArray()));
        return Manifest(MediaType.OciManifest, null, config,
            [(new Blob("application/vnd.kitops.modelkit.model.v1.tar", model), null),
             (new Blob("application/vnd.kitops.modelkit.docs.v1.tar+gzip", docs), null),
             (new Blob("application/vnd.kitops.modelkit.code.v1.tar+gzip", code), null)]);
    }

    /// <summary>A Docker model artifact (docker model push): config v0.1, a raw GGUF layer and a licence layer.</summary>
    public static TestImage DockerModel()
    {
        var gguf = Gguf("qwen2", 15, 32768, GgufTensors);
        var config = Blob.Json(new JsonObject
        {
            ["config"] = new JsonObject { ["format"] = "gguf", ["quantization"] = "Q4_K_M", ["parameters"] = "1.03 M", ["architecture"] = "qwen2", ["size"] = $"{gguf.Length} B" },
            ["descriptor"] = new JsonObject { ["created"] = "2025-02-03T04:05:06Z" },
            ["rootfs"] = new JsonObject { ["type"] = "rootfs", ["diff_ids"] = new JsonArray(Digests.Sha256(gguf)) },
        }, "application/vnd.docker.ai.model.config.v0.1+json");
        return Manifest(MediaType.OciManifest, null, config,
            [(new Blob("application/vnd.docker.ai.gguf.v3", gguf), null),
             (new Blob("application/vnd.docker.ai.license", "Apache License 2.0\n"u8.ToArray()), null)]);
    }

    /// <summary>An ollama model: a Docker schema 2 manifest, ollama's config, and application/vnd.ollama.image.* layers.</summary>
    public static TestImage Ollama()
    {
        var config = Blob.Json(new JsonObject
        {
            ["model_format"] = "gguf", ["model_family"] = "gemma", ["model_families"] = new JsonArray("gemma"), ["model_type"] = "1.0M",
            ["file_type"] = "Q8_0", ["architecture"] = "amd64", ["os"] = "linux",
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray() },
        }, MediaType.DockerConfig);
        return Manifest(MediaType.DockerManifest, null, config,
            [(new Blob("application/vnd.ollama.image.model", Gguf("gemma", 7, 8192, GgufTensors)), null),
             (new Blob("application/vnd.ollama.image.template", "{{ .Prompt }}"u8.ToArray()), null),
             (new Blob("application/vnd.ollama.image.license", "Gemma Terms of Use"u8.ToArray()), null)]);
    }

    /// <summary>A model card attached to <paramref name="subject"/> as a referrer.</summary>
    public static TestImage Card(JsonObject subject, string markdown) =>
        Manifest(MediaType.OciManifest, "application/vnd.wharf.model.card.v1", Blob.Empty,
            [(new Blob("text/markdown", Encoding.UTF8.GetBytes(markdown)), null)], subject: subject);

    /// <summary>Another attachment (an SBOM, a signature, …) of <paramref name="artifactType"/>.</summary>
    public static TestImage Attachment(JsonObject subject, string artifactType, string layerType) =>
        Manifest(MediaType.OciManifest, artifactType, Blob.Empty, [(new Blob(layerType, Encoding.UTF8.GetBytes(Guid.NewGuid().ToString())), null)], subject: subject);
}

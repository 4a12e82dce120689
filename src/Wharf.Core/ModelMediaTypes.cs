namespace Wharf.Core;

/// <summary>
/// The media types of the model formats Wharf understands, as their specifications publish them, and the ones
/// <c>wharf push</c> and <c>wharf attach</c> write (docs/annotations.md). One home: the client writes what the
/// indexer reads, so both take the strings from here.
/// </summary>
public static class ModelMediaTypes
{
    // CNCF ModelPack (modelpack/model-spec). Early drafts used the "cnai" vendor tree; both are recognised.
    public const string ModelPackManifest = "application/vnd.cncf.model.manifest.v1+json";
    public const string ModelPackConfig = "application/vnd.cncf.model.config.v1+json";
    public const string ModelPackPrefix = "application/vnd.cncf.model.";
    public const string ModelPackDraftConfig = "application/vnd.cnai.model.config.v1+json";
    public const string ModelPackDraftManifest = "application/vnd.cnai.model.manifest.v1+json";
    public const string ModelPackDraftPrefix = "application/vnd.cnai.model.";

    // The raw (one file per layer) ModelPack layers `wharf push DIR` writes.
    public const string ModelPackWeightRaw = "application/vnd.cncf.model.weight.v1.raw";
    public const string ModelPackWeightConfigRaw = "application/vnd.cncf.model.weight.config.v1.raw";
    public const string ModelPackDocRaw = "application/vnd.cncf.model.doc.v1.raw";
    public const string ModelPackCodeRaw = "application/vnd.cncf.model.code.v1.raw";
    public const string ModelPackDatasetRaw = "application/vnd.cncf.model.dataset.v1.raw";

    // KitOps ModelKit: the Kitfile as JSON for config, layers application/vnd.kitops.modelkit.<type>.v1.tar[+gzip|+zstd].
    public const string ModelKitConfig = "application/vnd.kitops.modelkit.config.v1+json";
    public const string ModelKitPrefix = "application/vnd.kitops.modelkit.";

    // Docker model artifacts (docker/model-distribution).
    public const string DockerModelConfigPrefix = "application/vnd.docker.ai.model.config.";
    public const string DockerAiPrefix = "application/vnd.docker.ai.";
    public const string DockerGguf = "application/vnd.docker.ai.gguf.v3";
    public const string DockerSafetensors = "application/vnd.docker.ai.safetensors";
    public const string DockerLicense = "application/vnd.docker.ai.license";

    // ollama: a Docker schema 2 manifest whose layers are application/vnd.ollama.image.{model,template,license,params,system,…}.
    public const string OllamaPrefix = "application/vnd.ollama.image.";
    public const string OllamaModel = "application/vnd.ollama.image.model";
    public const string OllamaLicense = "application/vnd.ollama.image.license";

    // The artifact types of the attachments `wharf attach` writes.
    public const string CardArtifactType = "application/vnd.wharf.model.card.v1";
    public const string EvalArtifactType = "application/vnd.wharf.model.eval.v1+json";
    public const string SbomArtifactType = "application/vnd.wharf.sbom.v1";
    public const string SignatureArtifactType = "application/vnd.wharf.signature.v1";
    public const string ScanArtifactType = "application/vnd.wharf.scan.v1+json";
    public const string TrainingRunArtifactType = "application/vnd.wharf.training.run.v1+json";

    public static bool IsModelPackConfig(string? mediaType) => mediaType is ModelPackConfig or ModelPackDraftConfig;

    public static bool IsModelPackManifest(string? artifactType) => artifactType is ModelPackManifest or ModelPackDraftManifest;

    public static bool IsDockerModelConfig(string? mediaType) =>
        mediaType is not null && mediaType.StartsWith(DockerModelConfigPrefix, StringComparison.Ordinal);

    /// <summary>The compression a layer media type declares: "gzip", "zstd" or null for none.</summary>
    public static string? Compression(string mediaType) =>
        mediaType.EndsWith("+gzip", StringComparison.Ordinal) || mediaType.EndsWith(".gzip", StringComparison.Ordinal) ? "gzip"
        : mediaType.EndsWith("+zstd", StringComparison.Ordinal) || mediaType.EndsWith(".zstd", StringComparison.Ordinal) ? "zstd"
        : null;

    /// <summary>True when the layer is a tar archive (possibly compressed) rather than a raw file.</summary>
    public static bool IsTar(string mediaType) =>
        mediaType.Contains(".tar", StringComparison.Ordinal) || mediaType.EndsWith(".diff.tar.gzip", StringComparison.Ordinal);
}

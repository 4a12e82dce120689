using Wharf.Core;

namespace Wharf.Ml;

public enum ArtifactKind { ModelPack, ModelKit, DockerModel, Ollama, ContainerImage, ImageIndex, Artifact }

/// <summary>Tells what a manifest is from its media types alone (no blob is read).</summary>
public static class ArtifactClassifier
{
    public static ArtifactKind Classify(ParsedManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.IsIndex) return ArtifactKind.ImageIndex;
        string? config = manifest.Config?.MediaType;
        if (MlMediaTypes.IsModelPackManifest(manifest.ArtifactType) || MlMediaTypes.IsModelPackConfig(config)) return ArtifactKind.ModelPack;
        if (config == MlMediaTypes.ModelKitConfig || AnyLayer(manifest, MlMediaTypes.ModelKitPrefix)) return ArtifactKind.ModelKit;
        if (MlMediaTypes.IsDockerModelConfig(config) || AnyLayer(manifest, MlMediaTypes.DockerAiPrefix)) return ArtifactKind.DockerModel;
        if ((config?.StartsWith(MlMediaTypes.OllamaPrefix, StringComparison.Ordinal) ?? false) || AnyLayer(manifest, MlMediaTypes.OllamaPrefix))
            return ArtifactKind.Ollama;
        // An image is a manifest with an image config and no artifactType of its own.
        if (manifest.ArtifactType is null && config is MediaTypes.OciConfig or MediaTypes.DockerConfig) return ArtifactKind.ContainerImage;
        return ArtifactKind.Artifact;
    }

    /// <summary>The name the API and the catalog use for a kind.</summary>
    public static string Name(ArtifactKind kind) => kind switch
    {
        ArtifactKind.ModelPack => "modelpack",
        ArtifactKind.ModelKit => "modelkit",
        ArtifactKind.DockerModel => "docker-model",
        ArtifactKind.Ollama => "ollama",
        ArtifactKind.ContainerImage => "image",
        ArtifactKind.ImageIndex => "index",
        _ => "artifact",
    };

    public static readonly IReadOnlyList<string> Names = Enum.GetValues<ArtifactKind>().Select(Name).ToArray();

    private static bool AnyLayer(ParsedManifest manifest, string prefix) =>
        manifest.Layers.Any(l => l.MediaType.StartsWith(prefix, StringComparison.Ordinal));
}

/// <summary>
/// What an attachment (a referrer) is: the org.wharf.attachment.kind annotation `wharf attach` writes, else its
/// artifact type and layer media types, so that other tools' signatures, SBOMs and scan reports group the same way.
/// </summary>
public static class AttachmentKinds
{
    public const string Card = "card", Eval = "eval", Sbom = "sbom", Signature = "signature", Scan = "scan", Run = "run", Other = "other";
    public const string KindAnnotation = "org.wharf.attachment.kind";

    /// <summary>The artifact types `wharf attach` writes (docs/annotations.md).</summary>
    public const string CardArtifactType = "application/vnd.wharf.model.card.v1";
    public const string EvalArtifactType = "application/vnd.wharf.model.eval.v1+json";

    private static readonly string[] Kinds = [Card, Eval, Sbom, Signature, Scan, Run, Other];

    public static string Classify(string? artifactType, IReadOnlyDictionary<string, string>? annotations = null, IEnumerable<string>? layerMediaTypes = null)
    {
        if (annotations?.GetValueOrDefault(KindAnnotation) is { } declared && Kinds.Contains(declared)) return declared;
        string type = (artifactType ?? "").ToLowerInvariant();
        var layers = layerMediaTypes?.Select(t => t.ToLowerInvariant()).ToList() ?? [];
        bool Has(params string[] words) => words.Any(w => type.Contains(w, StringComparison.Ordinal) || layers.Any(l => l.Contains(w, StringComparison.Ordinal)));
        if (Has("signature", "cosign", "notary", "sigstore", "jws")) return Signature;
        if (Has("spdx", "cyclonedx", "sbom", "syft")) return Sbom;
        if (Has("sarif", "vuln", "scan", "vex", "trivy", "grype")) return Scan;
        if (Has("training.run")) return Run;
        if (Has("eval", "metrics")) return Eval;
        if (Has("model.card", "modelcard", "model-card", "markdown")) return Card;
        return Other;
    }
}

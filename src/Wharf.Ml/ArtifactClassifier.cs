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
        if (ModelMediaTypes.IsModelPackManifest(manifest.ArtifactType) || ModelMediaTypes.IsModelPackConfig(config)) return ArtifactKind.ModelPack;
        if (config == ModelMediaTypes.ModelKitConfig || AnyLayer(manifest, ModelMediaTypes.ModelKitPrefix)) return ArtifactKind.ModelKit;
        if (ModelMediaTypes.IsDockerModelConfig(config) || AnyLayer(manifest, ModelMediaTypes.DockerAiPrefix)) return ArtifactKind.DockerModel;
        if ((config?.StartsWith(ModelMediaTypes.OllamaPrefix, StringComparison.Ordinal) ?? false) || AnyLayer(manifest, ModelMediaTypes.OllamaPrefix))
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

namespace Wharf.Client.ModelPack;

/// <summary>The CNCF ModelPack media types and annotation keys (docs/annotations.md).</summary>
public static class ModelPackTypes
{
    public const string ArtifactType = "application/vnd.cncf.model.manifest.v1+json";
    public const string Config = "application/vnd.cncf.model.config.v1+json";
    public const string WeightRaw = "application/vnd.cncf.model.weight.v1.raw";
    public const string WeightConfigRaw = "application/vnd.cncf.model.weight.config.v1.raw";
    public const string DocRaw = "application/vnd.cncf.model.doc.v1.raw";
    public const string CodeRaw = "application/vnd.cncf.model.code.v1.raw";
    public const string DatasetRaw = "application/vnd.cncf.model.dataset.v1.raw";

    public const string FilePathAnnotation = "org.cncf.model.filepath";
    public const string TitleAnnotation = "org.opencontainers.image.title";

    /// <summary>Layer media types a ModelPack may carry (raw and archived), for readers.</summary>
    public static bool IsModelPackLayer(string mediaType) => mediaType.StartsWith("application/vnd.cncf.model.", StringComparison.Ordinal);
}

/// <summary>Wharf's own annotation keys (docs/annotations.md).</summary>
public static class WharfAnnotations
{
    public const string TrainingRun = "org.wharf.training.run";
    public const string SourceCommit = "org.wharf.source.commit";
    public const string DatasetDigests = "org.wharf.dataset.digests";
    public const string MetricPrefix = "org.wharf.metric.";
    public const string BaseModel = "org.wharf.base.model";
    public const string AttachmentKind = "org.wharf.attachment.kind";

    public const string Title = "org.opencontainers.image.title";
    public const string Version = "org.opencontainers.image.version";
    public const string Licenses = "org.opencontainers.image.licenses";
    public const string Revision = "org.opencontainers.image.revision";
    public const string Source = "org.opencontainers.image.source";
    public const string Created = "org.opencontainers.image.created";
    public const string Description = "org.opencontainers.image.description";
}

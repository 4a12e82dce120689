namespace Wharf.Core;

/// <summary>
/// The annotation keys Wharf writes and reads (docs/annotations.md): the OCI image-spec's pre-defined keys, the
/// ModelPack file path, and Wharf's own org.wharf.* lineage set. The client writes them and the indexer reads
/// them, so both take the spelling from here.
/// </summary>
public static class AnnotationKeys
{
    // OCI image-spec pre-defined annotation keys.
    public const string Title = "org.opencontainers.image.title";
    public const string Version = "org.opencontainers.image.version";
    public const string Licenses = "org.opencontainers.image.licenses";
    public const string Revision = "org.opencontainers.image.revision";
    public const string Source = "org.opencontainers.image.source";
    public const string Created = "org.opencontainers.image.created";
    public const string Description = "org.opencontainers.image.description";
    public const string Authors = "org.opencontainers.image.authors";
    public const string Vendor = "org.opencontainers.image.vendor";
    public const string BaseName = "org.opencontainers.image.base.name";

    /// <summary>A ModelPack layer's path inside the model directory.</summary>
    public const string ModelFilePath = "org.cncf.model.filepath";

    // Wharf's lineage and attachment keys.
    public const string TrainingRun = "org.wharf.training.run";
    public const string SourceCommit = "org.wharf.source.commit";
    public const string DatasetDigests = "org.wharf.dataset.digests";
    public const string MetricPrefix = "org.wharf.metric.";
    /// <summary>The plural spelling an early draft used; still read.</summary>
    public const string LegacyMetricPrefix = "org.wharf.metrics.";
    public const string BaseModel = "org.wharf.base.model";
    public const string AttachmentKind = "org.wharf.attachment.kind";
}

namespace Wharf.Core;

/// <summary>An OCI content descriptor: what a manifest says about a blob or a child manifest.</summary>
public sealed record Descriptor(
    string MediaType,
    Digest Digest,
    long Size,
    string? ArtifactType = null,
    IReadOnlyDictionary<string, string>? Annotations = null);

/// <summary>A manifest or index, parsed and validated; the raw bytes stay the source of truth.</summary>
public sealed record ParsedManifest(
    string MediaType,
    string? ArtifactType,
    Descriptor? Config,
    IReadOnlyList<Descriptor> Layers,
    IReadOnlyList<Descriptor> Manifests,
    Descriptor? Subject,
    IReadOnlyDictionary<string, string>? Annotations)
{
    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>The artifact type a referrers response reports: artifactType, else the config's media type.</summary>
    public string? EffectiveArtifactType => ArtifactType ?? (IsIndex ? null : Config?.MediaType);

    /// <summary>Blobs the manifest needs in its repository: config and layers (none for an index).</summary>
    public IEnumerable<Descriptor> Blobs => Config is null ? Layers : Layers.Prepend(Config);
}

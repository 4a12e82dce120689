namespace Wharf.Core.Registry;

/// <summary>The limits the registry rules enforce. Immutable; bound from configuration by the host.</summary>
public sealed record RegistryLimits
{
    /// <summary>Largest manifest accepted on PUT, in bytes.</summary>
    public int MaxManifestBytes { get; init; } = ManifestParser.DefaultMaxBytes;

    /// <summary>Largest blob accepted, in bytes; 0 means no limit.</summary>
    public long MaxBlobBytes { get; init; }

    /// <summary>An upload session idle for longer than this expires.</summary>
    public TimeSpan UploadIdleTimeout { get; init; } = TimeSpan.FromHours(24);
}

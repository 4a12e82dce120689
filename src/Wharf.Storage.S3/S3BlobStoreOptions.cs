namespace Wharf.Storage.S3;

/// <summary>
/// Where and how the S3 blob store keeps its objects. Defaults suit AWS S3; the switches under "dialect" make it
/// work against stricter S3-compatible stores (Swift's s3api, older Ceph RGW, some appliances).
/// </summary>
public sealed record S3BlobStoreOptions
{
    public const int MinPartSize = 5 * 1024 * 1024;      // S3's floor for every part but the last
    public const int MaxPartSize = 1024 * 1024 * 1024;   // what one pooled buffer may hold
    public const int DefaultPartSize = 16 * 1024 * 1024;

    /// <summary>Endpoint URL of an S3-compatible store (e.g. http://127.0.0.1:8080); null for AWS S3 in <see cref="Region"/>.</summary>
    public Uri? Endpoint { get; init; }

    public string Bucket { get; init; } = "";

    /// <summary>The region requests are signed for (S3-compatible stores usually accept us-east-1).</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Static credentials; both null means the SDK's default chain (environment, profile, instance role).</summary>
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }

    /// <summary>Key prefix for everything this store writes, so several registries (or tests) can share a bucket.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>Dialect: bucket in the path (http://host/bucket/key) rather than in the host name.</summary>
    public bool ForcePathStyle { get; init; }

    /// <summary>
    /// Dialect: plain bodies with a signed payload hash instead of <c>aws-chunked</c> streaming, and checksums only
    /// where an operation requires one. For stores that reject aws-chunked (Swift 2.30's s3api answers 501).
    /// </summary>
    public bool DisableChunkEncoding { get; init; }

    /// <summary>Bytes buffered per upload session before they are written as one part object (5 MiB to 1 GiB).</summary>
    public int PartSize { get; init; } = DefaultPartSize;

    /// <summary>Parts copied at once while a commit assembles a blob server-side.</summary>
    public int CopyConcurrency { get; init; } = 4;

    /// <summary>Parts per ListParts page (S3's maximum is 1000; smaller only to exercise paging).</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>Retries of a throttled (SlowDown, 503) or failed (5xx, network) request, with exponential backoff.</summary>
    public int MaxRetries { get; init; } = 8;

    /// <summary>Longest one request to the store may take; each moves at most one part, so this bounds no upload.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Answer blob GETs with a 307 to a presigned URL of the object, so bytes bypass the registry.</summary>
    public bool RedirectGets { get; init; }

    /// <summary>How long a presigned GET URL stays valid.</summary>
    public TimeSpan RedirectExpiry { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The size of part <paramref name="partNumber"/> (1-based). Parts double every 1000, up to <see cref="MaxPartSize"/>,
    /// so S3's 10,000-part limit allows blobs of terabytes while small pushes keep small buffers.
    /// </summary>
    public int PartSizeFor(int partNumber)
    {
        int doublings = Math.Min((partNumber - 1) / 1000, 20);
        long size = (long)PartSize << doublings;
        return (int)Math.Min(size, Math.Max(MaxPartSize / 2, PartSize));
    }

    /// <summary>The options without the secret, for logs and errors.</summary>
    public override string ToString() =>
        $"S3 {{ Endpoint = {Endpoint?.ToString() ?? "(AWS)"}, Bucket = {Bucket}, Region = {Region}, Prefix = {Prefix}, AccessKey = {AccessKey ?? "(default chain)"}, SecretKey = {(SecretKey is null ? "(none)" : "***")}, ForcePathStyle = {ForcePathStyle}, DisableChunkEncoding = {DisableChunkEncoding}, PartSize = {PartSize}, RedirectGets = {RedirectGets} }}";

    /// <summary>Problems with these options, for a clear error at startup; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Bucket)) yield return "Bucket is required";
        if (string.IsNullOrWhiteSpace(Region)) yield return "Region is required";
        if (Endpoint is { IsAbsoluteUri: false } || Endpoint is { Scheme: not ("http" or "https") })
            yield return $"Endpoint '{Endpoint}' must be an absolute http or https URL";
        if ((AccessKey is null) != (SecretKey is null)) yield return "AccessKey and SecretKey go together: set both or neither";
        if (PartSize is < MinPartSize or > MaxPartSize) yield return $"PartSize must be between {MinPartSize} (5 MiB) and {MaxPartSize} (1 GiB) bytes";
        if (CopyConcurrency is < 1 or > 64) yield return "CopyConcurrency must be between 1 and 64";
        if (ListPageSize is < 1 or > 1000) yield return "ListPageSize must be between 1 and 1000";
        if (MaxRetries is < 0 or > 20) yield return "MaxRetries must be between 0 and 20";
        if (RequestTimeout <= TimeSpan.Zero) yield return "RequestTimeout must be positive";
        if (RedirectExpiry <= TimeSpan.Zero || RedirectExpiry > TimeSpan.FromDays(7)) yield return "RedirectExpiry must be positive and at most 7 days";
        if (Prefix.StartsWith('/') || Prefix.Contains("..", StringComparison.Ordinal)) yield return $"Prefix '{Prefix}' must not start with / or contain ..";
    }
}

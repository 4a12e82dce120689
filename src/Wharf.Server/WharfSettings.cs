using Microsoft.Extensions.Configuration;
using Wharf.Core.Registry;
using Wharf.Server.Auth;
using Wharf.Server.Models;
using Wharf.Server.Oci;
using Wharf.Server.Policy;
using Wharf.Storage.S3;

namespace Wharf.Server;

/// <summary>
/// Every configuration key, in one place: the host's own, and each module's options record read from its section. Sources, later ones winning: built-in defaults, wharf.yaml,
/// environment variables (WHARF__SECTION__KEY), command-line flags.
/// </summary>
public sealed record WharfSettings
{
    /// <summary>Address and port to listen on (Listen). Loopback by default: an open registry is not exposed unasked.</summary>
    public string Listen { get; init; } = "127.0.0.1:5000";

    /// <summary>Directory for everything the single-machine registry keeps (Data).</summary>
    public string Data { get; init; } = "./data";

    /// <summary>Storage:Kind (filesystem or s3) and Storage:Path (default: the data directory).</summary>
    public string StorageKind { get; init; } = "filesystem";
    public string? StoragePath { get; init; }

    /// <summary>
    /// Storage:S3:* when Storage:Kind is s3: Endpoint, Bucket, Region, AccessKey, SecretKey, Prefix, ForcePathStyle,
    /// DisableChunkEncoding, PartSize, CopyConcurrency, MaxRetries, RequestTimeout, RedirectGets, RedirectExpiry.
    /// </summary>
    public S3BlobStoreOptions S3 { get; init; } = new();

    /// <summary>
    /// Metadata:Kind (sqlite or postgres), Metadata:Path (sqlite; default: DATA/wharf.db) and Metadata:ConnectionString
    /// (postgres; an Npgsql connection string, best set as WHARF__METADATA__CONNECTIONSTRING since it holds a password).
    /// </summary>
    public string MetadataKind { get; init; } = "sqlite";
    public string? MetadataPath { get; init; }
    public string? MetadataConnectionString { get; init; }

    /// <summary>What the log may show: never the connection string (it holds a password) nor the S3 secret.</summary>
    public override string ToString() =>
        $"WharfSettings {{ Listen = {Listen}, Data = {Data}, Storage = {StorageKind}, {(StorageKind == "s3" ? S3 + ", " : "")}Metadata = {MetadataKind} }}";

    /// <summary>Limits:MaxManifestBytes, Limits:MaxBlobBytes (0 = none), Uploads:IdleTimeout.</summary>
    public RegistryLimits Limits { get; init; } = new();

    /// <summary>Limits:MaxConcurrentUploads and Uploads:ExpiryInterval (see <see cref="UploadOptions"/>).</summary>
    public UploadOptions Uploads { get; init; } = new();

    /// <summary>Retention:* (see <see cref="PolicyOptions"/>).</summary>
    public PolicyOptions Policy { get; init; } = new();

    /// <summary>Indexing:* (see <see cref="ModelIndexOptions"/>).</summary>
    public ModelIndexOptions Indexing { get; init; } = new();

    /// <summary>Log:Format: "text" (one line per event) or "json" (structured, one object per line).</summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>Http:TrustedProxies: load balancers whose X-Forwarded-For/-Proto are believed (see <see cref="Server.TrustedProxies"/>).</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Auth:* and Tls:* (see <see cref="AuthSettings"/>).</summary>
    public AuthSettings Auth { get; init; } = new();

    public string BlobRoot => Path.GetFullPath(StoragePath ?? Data);
    public string DatabasePath => Path.GetFullPath(MetadataPath ?? Path.Combine(Data, "wharf.db"));

    public static WharfSettings From(IConfiguration config)
    {
        var defaults = new WharfSettings();
        var settings = new WharfSettings
        {
            Listen = config["Listen"] ?? defaults.Listen,
            Data = config["Data"] ?? defaults.Data,
            StorageKind = config["Storage:Kind"] ?? defaults.StorageKind,
            StoragePath = config["Storage:Path"],
            S3 = ReadS3(config.GetSection("Storage:S3")),
            MetadataKind = (config["Metadata:Kind"] ?? defaults.MetadataKind).Trim().ToLowerInvariant(),
            MetadataPath = config["Metadata:Path"],
            MetadataConnectionString = config["Metadata:ConnectionString"],
            Limits = new RegistryLimits
            {
                MaxManifestBytes = config.GetValue("Limits:MaxManifestBytes", defaults.Limits.MaxManifestBytes),
                MaxBlobBytes = config.GetValue("Limits:MaxBlobBytes", defaults.Limits.MaxBlobBytes),
                UploadIdleTimeout = config.GetValue("Uploads:IdleTimeout", defaults.Limits.UploadIdleTimeout),
            },
            Uploads = UploadOptions.From(config),
            Policy = PolicyOptions.From(config),
            Indexing = ModelIndexOptions.From(config),
            LogFormat = config["Log:Format"] ?? defaults.LogFormat,
            TrustedProxies = Server.TrustedProxies.Parse(ListValue(config.GetSection("Http:TrustedProxies"))),
            Auth = AuthSettings.From(config),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>A key given as one string ("a, b") or as a YAML list; the list's items joined.</summary>
    private static string? ListValue(IConfigurationSection section) =>
        section.Value ?? string.Join(',', section.GetChildren().Select(child => child.Value));

    /// <summary>Refuses settings that would fail later and far from their cause.</summary>
    private void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new InvalidOperationException("configuration: " + message);
        }
        Require(Limits.MaxManifestBytes > 0, "Limits:MaxManifestBytes must be positive");
        Require(Limits.MaxBlobBytes >= 0, "Limits:MaxBlobBytes must be 0 (no limit) or positive");
        Require(Limits.UploadIdleTimeout > TimeSpan.Zero, "Uploads:IdleTimeout must be positive");
        foreach (var problem in Uploads.Problems().Concat(Policy.Problems()).Concat(Indexing.Problems())) Require(false, problem);
        Require(LogFormat is "text" or "json", "Log:Format must be text or json");
        Require(MetadataKind is "sqlite" or "postgres", $"Metadata:Kind must be sqlite or postgres, not '{MetadataKind}'");
        Require(MetadataKind != "postgres" || !string.IsNullOrWhiteSpace(MetadataConnectionString),
            "Metadata:ConnectionString is required when Metadata:Kind is postgres "
            + "(e.g. WHARF__METADATA__CONNECTIONSTRING='Host=db;Username=wharf;Password=...;Database=wharf')");
        Require(StorageKind.ToLowerInvariant() is "filesystem" or "s3", $"Storage:Kind '{StorageKind}' is not known (filesystem or s3)");
        if (StorageKind.Equals("s3", StringComparison.OrdinalIgnoreCase))
            foreach (string problem in S3.Problems()) Require(false, "Storage:S3: " + problem);
        foreach (var problem in Auth.Problems()) Require(false, problem);
    }

    private static S3BlobStoreOptions ReadS3(IConfigurationSection section)
    {
        var defaults = new S3BlobStoreOptions();
        string? endpoint = section["Endpoint"];
        return new S3BlobStoreOptions
        {
            // A relative or malformed endpoint stays visible as such, so validation can name it.
            Endpoint = string.IsNullOrWhiteSpace(endpoint) ? null : new Uri(endpoint, UriKind.RelativeOrAbsolute),
            Bucket = section["Bucket"] ?? defaults.Bucket,
            Region = section["Region"] ?? defaults.Region,
            AccessKey = section["AccessKey"],
            SecretKey = section["SecretKey"],
            Prefix = section["Prefix"] ?? defaults.Prefix,
            ForcePathStyle = section.GetValue("ForcePathStyle", defaults.ForcePathStyle),
            DisableChunkEncoding = section.GetValue("DisableChunkEncoding", defaults.DisableChunkEncoding),
            PartSize = section.GetValue("PartSize", defaults.PartSize),
            CopyConcurrency = section.GetValue("CopyConcurrency", defaults.CopyConcurrency),
            MaxRetries = section.GetValue("MaxRetries", defaults.MaxRetries),
            RequestTimeout = section.GetValue("RequestTimeout", defaults.RequestTimeout),
            RedirectGets = section.GetValue("RedirectGets", defaults.RedirectGets),
            RedirectExpiry = section.GetValue("RedirectExpiry", defaults.RedirectExpiry),
        };
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;

namespace Wharf.Server.Tests;

/// <summary>Environment variables are process-wide: these tests run alone, never beside a host being built.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

[Collection(nameof(ProcessEnvironment))]
public sealed class WharfSettingsTests : IDisposable
{
    private const string Yaml = """
        listen: 0.0.0.0:6000
        data: /srv/wharf
        limits:
          maxManifestBytes: 1000
          maxBlobBytes: 2000
          maxConcurrentUploads: 3
        uploads:
          idleTimeout: "01:00:00"
          expiryInterval: "00:05:00"
        retention:
          interval: "00:30:00"
        log:
          format: json
        """;

    private readonly TempDirectory _dir = new();
    private readonly List<string> _variables = [];

    public void Dispose()
    {
        foreach (var name in _variables) Environment.SetEnvironmentVariable(name, null);
        _dir.Dispose();
    }

    private void SetEnvironment(string name, string value)
    {
        _variables.Add(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    /// <summary>The sources WharfHost.Build uses, in its order: YAML, then WHARF__ variables, then flags.</summary>
    private WharfSettings Settings(IDictionary<string, string?>? flags = null) => WharfSettings.From(new ConfigurationBuilder()
        .Add(new YamlConfigurationSource(_dir.File("wharf.yaml", Yaml), optional: false))
        .AddEnvironmentVariables("WHARF__")
        .AddInMemoryCollection(flags ?? new Dictionary<string, string?>())
        .Build());

    [Fact]
    public void Defaults_serve_one_machine()
    {
        var settings = WharfSettings.From(new ConfigurationBuilder().Build());
        Assert.Equal("127.0.0.1:5000", settings.Listen);
        Assert.Equal("./data", settings.Data);
        Assert.Equal(ManifestParser.DefaultMaxBytes, settings.Limits.MaxManifestBytes);
        Assert.Equal(0, settings.Limits.MaxBlobBytes);
        Assert.Equal(TimeSpan.FromHours(24), settings.Limits.UploadIdleTimeout);
        Assert.Equal(256, settings.Uploads.MaxConcurrentUploads);
        Assert.Equal(TimeSpan.FromHours(1), settings.Policy.RetentionInterval);
        Assert.Equal(Path.GetFullPath("./data/wharf.db"), settings.DatabasePath);
        Assert.Equal(Path.GetFullPath("./data"), settings.BlobRoot);
    }

    [Fact]
    public void Yaml_sets_every_key()
    {
        var settings = Settings();
        Assert.Equal("0.0.0.0:6000", settings.Listen);
        Assert.Equal("/srv/wharf", settings.Data);
        Assert.Equal(1000, settings.Limits.MaxManifestBytes);
        Assert.Equal(2000, settings.Limits.MaxBlobBytes);
        Assert.Equal(3, settings.Uploads.MaxConcurrentUploads);
        Assert.Equal(TimeSpan.FromHours(1), settings.Limits.UploadIdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.Uploads.ExpiryInterval);
        Assert.Equal(TimeSpan.FromMinutes(30), settings.Policy.RetentionInterval);
        Assert.Equal("json", settings.LogFormat);
        Assert.Equal("/srv/wharf/wharf.db", settings.DatabasePath);
    }

    [Fact]
    public void Environment_wins_over_yaml()
    {
        SetEnvironment("WHARF__LIMITS__MAXMANIFESTBYTES", "4096");
        SetEnvironment("WHARF__LIMITS__MAXBLOBBYTES", "8192");
        SetEnvironment("WHARF__UPLOADS__IDLETIMEOUT", "00:00:30");
        SetEnvironment("WHARF__STORAGE__PATH", "/mnt/blobs");
        SetEnvironment("WHARF__METADATA__PATH", "/var/lib/wharf.db");
        var settings = Settings();
        Assert.Equal(4096, settings.Limits.MaxManifestBytes);
        Assert.Equal(8192, settings.Limits.MaxBlobBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Limits.UploadIdleTimeout);
        Assert.Equal("/mnt/blobs", settings.BlobRoot);
        Assert.Equal("/var/lib/wharf.db", settings.DatabasePath);
        Assert.Equal(3, settings.Uploads.MaxConcurrentUploads); // untouched keys keep the YAML value
    }

    [Fact]
    public void Flags_win_over_environment_and_yaml()
    {
        SetEnvironment("WHARF__LISTEN", "127.0.0.1:7000");
        SetEnvironment("WHARF__LIMITS__MAXCONCURRENTUPLOADS", "9");
        var settings = Settings(new Dictionary<string, string?> { ["Listen"] = "127.0.0.1:8000" });
        Assert.Equal("127.0.0.1:8000", settings.Listen);
        Assert.Equal(9, settings.Uploads.MaxConcurrentUploads);
    }

    [Fact]
    public void Variables_without_the_prefix_are_not_settings()
    {
        SetEnvironment("LIMITS__MAXBLOBBYTES", "1");
        SetEnvironment("WHARFLIMITS__MAXBLOBBYTES", "1");
        Assert.Equal(2000, Settings().Limits.MaxBlobBytes);
    }

    [Fact]
    public void A_retention_interval_that_is_not_positive_is_an_error()
    {
        SetEnvironment("WHARF__RETENTION__INTERVAL", "00:00:00");
        var error = Assert.Throws<InvalidOperationException>(() => Settings());
        Assert.Contains("Retention:Interval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_is_not_a_number_is_an_error()
    {
        SetEnvironment("WHARF__LIMITS__MAXBLOBBYTES", "lots");
        Assert.Throws<InvalidOperationException>(() => Settings());
    }

    [Fact]
    public async Task The_host_composes_the_sources_in_the_same_order()
    {
        SetEnvironment("WHARF__LIMITS__MAXBLOBBYTES", "8192");
        SetEnvironment("WHARF__DATA", "/from/environment");
        await using var app = WharfHost.Build(_dir.File("wharf.yaml", Yaml), new Dictionary<string, string?> { ["Data"] = _dir.Path });
        var settings = app.Services.GetRequiredService<WharfSettings>();
        Assert.Equal(1000, settings.Limits.MaxManifestBytes);
        Assert.Equal(8192, settings.Limits.MaxBlobBytes);
        Assert.Equal(_dir.Path, settings.Data);
        Assert.Same(settings.Limits, app.Services.GetRequiredService<Core.Registry.RegistryLimits>());
    }

    [Fact]
    public void The_host_refuses_a_missing_config_file_it_was_given() =>
        Assert.Throws<FileNotFoundException>(() => WharfHost.Build(Path.Combine(_dir.Path, "absent.yaml"), new Dictionary<string, string?>()));

    [Fact]
    public async Task Postgres_metadata_takes_its_connection_string_from_the_environment()
    {
        SetEnvironment("WHARF__METADATA__KIND", "PostgreS");
        SetEnvironment("WHARF__METADATA__CONNECTIONSTRING", "Host=db.internal;Username=wharf;Password=secret;Database=wharf");
        var settings = Settings();
        Assert.Equal("postgres", settings.MetadataKind);
        Assert.Equal("Host=db.internal;Username=wharf;Password=secret;Database=wharf", settings.MetadataConnectionString);

        // Composing does not connect: the store is built, and serves as the job leases too.
        await using var app = WharfHost.Build(_dir.File("wharf.yaml", Yaml), new Dictionary<string, string?> { ["Data"] = _dir.Path });
        var store = app.Services.GetRequiredService<IMetadataStore>();
        Assert.IsType<Metadata.Sql.SqlMetadataStore>(store);
        Assert.IsType<Metadata.Postgres.PostgresDialect>(app.Services.GetRequiredService<Metadata.Sql.SqlDatabase>().Dialect);
        Assert.Same(store, app.Services.GetRequiredService<IJobLeases>());
        // The model catalog is composed too, so /api/v1 serves and the index job runs on PostgreSQL.
        Assert.IsType<Metadata.Sql.SqlModelCatalogStore>(app.Services.GetRequiredService<Wharf.Core.Catalog.IModelCatalogStore>());
    }

    [Fact]
    public void Postgres_metadata_without_a_connection_string_is_refused_by_name()
    {
        SetEnvironment("WHARF__METADATA__KIND", "postgres");
        var e = Assert.Throws<InvalidOperationException>(() => Settings());
        Assert.Contains("Metadata:ConnectionString is required when Metadata:Kind is postgres", e.Message);
        Assert.Contains("WHARF__METADATA__CONNECTIONSTRING", e.Message);
    }

    [Fact]
    public void An_unknown_metadata_kind_is_refused()
    {
        SetEnvironment("WHARF__METADATA__KIND", "mysql");
        var e = Assert.Throws<InvalidOperationException>(() => Settings());
        Assert.Contains("Metadata:Kind must be sqlite or postgres", e.Message);
    }

    [Fact]
    public void A_malformed_connection_string_fails_at_start_without_echoing_it()
    {
        SetEnvironment("WHARF__METADATA__KIND", "postgres");
        SetEnvironment("WHARF__METADATA__CONNECTIONSTRING", "Host=db;Password=hunter2;Bogus Key=1");
        var e = Assert.Throws<ArgumentException>(() => WharfHost.Build(_dir.File("wharf.yaml", Yaml), new Dictionary<string, string?> { ["Data"] = _dir.Path }));
        Assert.Contains("not a valid PostgreSQL connection string", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
    }
    private static WharfSettings FromFlags(Dictionary<string, string?> flags) =>
        WharfSettings.From(new ConfigurationBuilder().AddInMemoryCollection(flags).Build());

    [Fact]
    public void S3_storage_reads_every_key_and_keeps_the_secret_out_of_its_text()
    {
        var settings = FromFlags(new()
        {
            ["Storage:Kind"] = "s3",
            ["Storage:S3:Endpoint"] = "http://127.0.0.1:8080",
            ["Storage:S3:Bucket"] = "models",
            ["Storage:S3:Region"] = "eu-west-1",
            ["Storage:S3:AccessKey"] = "team:robot",
            ["Storage:S3:SecretKey"] = "hunter2",
            ["Storage:S3:Prefix"] = "registry-a",
            ["Storage:S3:ForcePathStyle"] = "true",
            ["Storage:S3:DisableChunkEncoding"] = "true",
            ["Storage:S3:PartSize"] = "67108864",
            ["Storage:S3:RedirectGets"] = "true",
            ["Storage:S3:RedirectExpiry"] = "00:05:00",
        });
        var s3 = settings.S3;
        Assert.Equal(new Uri("http://127.0.0.1:8080"), s3.Endpoint);
        Assert.Equal(("models", "eu-west-1", "team:robot", "hunter2", "registry-a"), (s3.Bucket, s3.Region, s3.AccessKey, s3.SecretKey, s3.Prefix));
        Assert.True(s3.ForcePathStyle && s3.DisableChunkEncoding && s3.RedirectGets);
        Assert.Equal(64 * 1024 * 1024, s3.PartSize);
        Assert.Equal(TimeSpan.FromMinutes(5), s3.RedirectExpiry);
        Assert.DoesNotContain("hunter2", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Storage:S3:Bucket", "", "Storage:S3: Bucket is required")]
    [InlineData("Storage:S3:Endpoint", "127.0.0.1:8080", "must be an absolute http or https URL")]
    [InlineData("Storage:S3:Endpoint", "ftp://host/", "must be an absolute http or https URL")]
    [InlineData("Storage:S3:PartSize", "1024", "PartSize must be between")]
    [InlineData("Storage:S3:SecretKey", "", "AccessKey and SecretKey go together")]
    [InlineData("Storage:Kind", "tape", "Storage:Kind 'tape' is not known")]
    public void Bad_storage_settings_are_refused_with_the_key_named(string key, string value, string message)
    {
        var flags = new Dictionary<string, string?>
        {
            ["Storage:Kind"] = "s3",
            ["Storage:S3:Bucket"] = "models",
            ["Storage:S3:AccessKey"] = "a",
            ["Storage:S3:SecretKey"] = "b",
        };
        flags[key] = value.Length == 0 ? null : value;
        var error = Assert.Throws<InvalidOperationException>(() => FromFlags(flags));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void S3_keys_do_not_matter_while_storage_is_the_filesystem() =>
        Assert.Equal("filesystem", FromFlags(new() { ["Storage:S3:PartSize"] = "1" }).StorageKind);
}

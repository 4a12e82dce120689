using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wharf.Core;
using Wharf.Metadata.Postgres;
using Wharf.Metadata.Sqlite;
using Wharf.Server.Access;
using Wharf.Server.Auth;
using Wharf.Server.Models;
using Wharf.Server.Oci;
using Wharf.Server.Policy;
using Wharf.Storage.FileSystem;
using Wharf.Storage.S3;

namespace Wharf.Server;

/// <summary>
/// Composes the registry: configuration, stores, and the modules (/v2, auth, access administration, policy, models),
/// each through its own AddX()/MapX() with its own options.
/// </summary>
public static class WharfHost
{
    /// <summary>
    /// Builds the host. <paramref name="configFile"/> is a wharf.yaml (optional: ./wharf.yaml is read when it exists);
    /// <paramref name="overrides"/> are command-line flags as configuration keys, which win over everything.
    /// </summary>
    public static WebApplication Build(string? configFile, IDictionary<string, string?> overrides)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var config = builder.Configuration;
        config.Sources.Clear();
        var yaml = configFile ?? "wharf.yaml";
        ((IConfigurationBuilder)config).Add(new YamlConfigurationSource(Path.GetFullPath(yaml), optional: configFile is null));
        config.AddEnvironmentVariables("WHARF__");
        config.AddInMemoryCollection(overrides);
        var settings = WharfSettings.From(config);

        ConfigureLogging(builder.Logging, settings, config);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(ListenAddress.Parse(settings.Listen), listen =>
            {
                if (settings.Auth.TlsCertificate is { } certificate)
                    listen.UseHttps(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certificate, settings.Auth.TlsKey));
            });
        });

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        AddStores(services, settings);
        services.AddOci(settings.Limits, settings.Uploads);
        services.AddWharfAuth(settings.Auth, settings.Data);
        services.AddAccessAdmin();
        services.AddPolicy(settings.Policy);
        services.AddModels(settings.Indexing);

        var app = builder.Build();
        app.UseTrustedProxies(settings.TrustedProxies);
        app.MapHealth();
        app.MapWharfAuth();
        app.MapOci();
        app.MapAccessAdmin();
        app.MapPolicy();
        app.MapModels();
        return app;
    }

    /// <summary>Creates the metadata schema before the first request.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken ct)
    {
        var settings = app.Services.GetRequiredService<WharfSettings>();
        Directory.CreateDirectory(Path.GetFullPath(settings.Data));
        await app.Services.GetRequiredService<IMetadataStore>().MigrateAsync(ct);
        await AuthSetup.PrepareAuthAsync(app.Services, settings.Listen, ct);
    }

    private static void AddStores(IServiceCollection services, WharfSettings settings)
    {
        switch (settings.StorageKind.ToLowerInvariant())
        {
            case "filesystem": services.AddFileSystemBlobStore(settings.BlobRoot); break;
            case "s3": services.AddS3BlobStore(settings.S3); break;
            default: throw new InvalidOperationException($"Storage:Kind '{settings.StorageKind}' is not known (filesystem, s3)");
        }
        switch (settings.MetadataKind)
        {
            case "sqlite":
                services.AddSqliteMetadataStore(settings.DatabasePath).AddSqliteAccessStore(settings.DatabasePath)
                    .AddSqliteModelCatalog(settings.DatabasePath);
                break;
            case "postgres":
                services.AddPostgresMetadataStore(settings.MetadataConnectionString!)
                    .AddPostgresAccessStore(settings.MetadataConnectionString!)
                    .AddPostgresModelCatalog(settings.MetadataConnectionString!);
                break;
            default: throw new InvalidOperationException($"Metadata:Kind '{settings.MetadataKind}' is not known (sqlite, postgres)");
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging, WharfSettings settings, IConfiguration config)
    {
        logging.ClearProviders();
        logging.AddConfiguration(config.GetSection("Logging"));
        logging.SetMinimumLevel(LogLevel.Information);
        // Kestrel and routing are chatty at Information; a registry log is about the registry.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (settings.LogFormat.Equals("json", StringComparison.OrdinalIgnoreCase))
            logging.AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
        else
            logging.AddSimpleConsole(o => { o.SingleLine = true; o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; });
    }
}

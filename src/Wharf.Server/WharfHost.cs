using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Server.Access;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Server.Models;
using Wharf.Server.Oci;
using Wharf.Server.Policy;

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
        config.AddWharfSources(configFile, overrides);
        var settings = WharfSettings.From(config);

        builder.Logging.AddWharfLogging(settings, config);
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
        services.AddWharfStores(settings);
        services.AddApi();
        services.AddOci(settings.Limits, settings.Uploads);
        services.AddWharfAuth(settings.Auth, settings.Data);
        services.AddAccessAdmin();
        services.AddPolicy(settings.Policy);
        services.AddModels(settings.Indexing);

        var app = builder.Build();
        app.UseEdgeErrors();
        app.UseTrustedProxies(settings.TrustedProxies);
        app.MapHealth();
        app.MapWharfAuth();
        app.MapOci();
        app.MapApi();
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
}

using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core.Access;
using Wharf.Server;

namespace Wharf.Cli.Serve;

/// <summary>
/// The one block `wharf serve` prints once it listens, in place of ASP.NET's generic lifetime lines: what an
/// operator needs to know first (where it listens, where the bytes go, who may push), and a warning when
/// passwords would cross the network in clear.
/// </summary>
internal static class ServeBanner
{
    public static async Task PrintAsync(WebApplication app, CancellationToken ct)
    {
        var settings = app.Services.GetRequiredService<WharfSettings>();
        bool tls = settings.Auth.TlsCertificate is not null;
        var endpoint = ListenAddress.Parse(settings.Listen);
        // The server's own view of its addresses, so a port of 0 shows the port it was given.
        string listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"{(tls ? "https" : "http")}://{endpoint}";
        bool loopback = IPAddress.IsLoopback(endpoint.Address);
        bool users = await app.Services.GetRequiredService<IAccessStore>().AnyUserAsync(ct);

        string blobs = settings.StorageKind == "s3"
            ? $"s3 (bucket {settings.S3.Bucket}{(settings.S3.Endpoint is { } e ? " at " + e : "")})"
            : $"filesystem ({settings.BlobRoot})";
        string metadata = settings.MetadataKind == "sqlite" ? $"sqlite ({settings.DatabasePath})" : "postgres";
        string access = (users, loopback) switch
        {
            (true, _) => "users: pushes and private pulls need a login (wharf login, docker login)",
            (false, true) => "open on loopback: no users yet, anyone on this machine may push, pull and delete "
                + "(wharf user add NAME --admin to require logins)",
            (false, false) => "OPEN (--insecure-open): no users, anyone who can reach this address may push, pull and delete",
        };

        var o = Console.Out;
        o.WriteLine($"Wharf {Version} — OCI registry for models and containers");
        o.WriteLine($"  listening  {listening}");
        o.WriteLine($"  data       {Path.GetFullPath(settings.Data)}");
        o.WriteLine($"  blobs      {blobs}");
        o.WriteLine($"  metadata   {metadata}");
        o.WriteLine($"  access     {access}");
        if (users && !loopback && !tls)
            o.WriteLine("  WARNING    plain HTTP beyond loopback: passwords and tokens travel in clear; "
                + "set Tls:Certificate and Tls:Key, or serve through a TLS proxy");
        o.WriteLine("  stop with Ctrl+C");
        o.Flush();
    }

    /// <summary>The informational version (with the commit when the build stamped one).</summary>
    public static string Version =>
        typeof(ServeBanner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ServeBanner).Assembly.GetName().Version?.ToString() ?? "unknown";
}

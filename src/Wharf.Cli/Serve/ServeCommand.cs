using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wharf.Server;

namespace Wharf.Cli.Serve;

/// <summary><c>wharf serve</c>: runs the registry. Flags override wharf.yaml and WHARF__ environment variables.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string?>("--listen") { Description = "ADDRESS:PORT to listen on (default 127.0.0.1:5000)" };
        var data = new Option<string?>("--data") { Description = "data directory (default ./data)" };
        var config = new Option<string?>("--config") { Description = "configuration file (default ./wharf.yaml when present)" };
        var open = new Option<bool>("--insecure-open") { Description = "allow listening beyond loopback with no users: anyone may push, pull and delete (Auth:AllowOpen)" };
        var command = new Command("serve", "Run the registry") { listen, data, config, open };
        command.SetAction(async (result, ct) =>
        {
            var overrides = new Dictionary<string, string?>
            {
                // The banner says where it listens and what it serves; ASP.NET's "Now listening on", "Hosting
                // environment" and "Content root path" lines would only repeat it less precisely.
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            };
            if (result.GetValue(listen) is { } l) overrides["Listen"] = l;
            if (result.GetValue(data) is { } d) overrides["Data"] = d;
            if (result.GetValue(open)) overrides["Auth:AllowOpen"] = "true";
            var app = WharfHost.Build(result.GetValue(config), overrides);
            var settings = app.Services.GetRequiredService<WharfSettings>();
            string dataDirectory = Path.GetFullPath(settings.Data);
            using var held = DataDirectoryLock.TryAcquire(dataDirectory);
            if (held is null)
            {
                Console.Error.WriteLine($"error: another wharf serve is using the data directory {dataDirectory} "
                    + $"({DataDirectoryLock.FileName} is locked); stop it first or give another --data");
                return CliRun.Usage;
            }
            // Asked before the host starts, because a failed start is logged by the host itself as a 40-line error;
            // the catch below is for the port taken in between.
            if (!PortIsFree(settings.Listen)) return AddressInUse(settings.Listen);
            await WharfHost.PrepareAsync(app, ct);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                return AddressInUse(settings.Listen);
            }
            await ServeBanner.PrintAsync(app, ct);
            await app.WaitForShutdownAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private static bool PortIsFree(string listen)
    {
        var endpoint = ListenAddress.Parse(listen);
        if (endpoint.Port == 0) return true;
        using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(endpoint);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }

    private static int AddressInUse(string listen)
    {
        Console.Error.WriteLine($"error: cannot listen on {listen}: the address is already in use "
            + "(another process holds the port; stop it or choose another with --listen)");
        return CliRun.Usage;
    }
}

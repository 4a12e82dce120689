using System.CommandLine;
using Wharf.Server;

namespace Wharf.Cli;

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
            var overrides = new Dictionary<string, string?>();
            if (result.GetValue(listen) is { } l) overrides["Listen"] = l;
            if (result.GetValue(data) is { } d) overrides["Data"] = d;
            if (result.GetValue(open)) overrides["Auth:AllowOpen"] = "true";
            var app = WharfHost.Build(result.GetValue(config), overrides);
            await WharfHost.PrepareAsync(app, ct);
            await app.RunAsync();
            return 0;
        });
        return command;
    }
}

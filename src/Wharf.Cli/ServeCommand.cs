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
        var command = new Command("serve", "Run the registry") { listen, data, config };
        command.SetAction(async (result, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (result.GetValue(listen) is { } l) overrides["Listen"] = l;
            if (result.GetValue(data) is { } d) overrides["Data"] = d;
            var app = WharfHost.Build(result.GetValue(config), overrides);
            await WharfHost.PrepareAsync(app, ct);
            await app.RunAsync();
            return 0;
        });
        return command;
    }
}

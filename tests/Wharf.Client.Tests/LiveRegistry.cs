using Microsoft.AspNetCore.Builder;
using Wharf.Server;

namespace Wharf.Client.Tests;

/// <summary>The real Wharf host, in process, on a loopback port the OS picks, over a temporary data directory.</summary>
public sealed class LiveRegistry : IAsyncLifetime
{
    private WebApplication? _app;

    private readonly TempDirectory _data = new("wharf-client");

    public string Data => _data.Path;

    /// <summary>host:port as a reference writes it.</summary>
    public string HostPort { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var app = WharfHost.Build(configFile: null, new Dictionary<string, string?>
        {
            ["Listen"] = "127.0.0.1:0",
            ["Data"] = Data,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await WharfHost.PrepareAsync(app, CancellationToken.None);
        await app.StartAsync();
        _app = app;
        HostPort = new Uri(app.Urls.Single()).Authority;
    }

    public OciClient Client(OciClientOptions? options = null) => new(HostPort, options);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _data.Dispose();
    }

    public static string NewRepo(string prefix = "client") => $"{prefix}/{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}

using Microsoft.AspNetCore.Builder;
using Wharf.Server;

namespace Wharf.Client.Tests;

/// <summary>The real Wharf host, in process, on a loopback port the OS picks, over a temporary data directory.</summary>
public sealed class LiveRegistry : IAsyncLifetime
{
    private WebApplication? _app;

    public string Data { get; } = Path.Combine(Path.GetTempPath(), "wharf-client-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>host:port as a reference writes it.</summary>
    public string HostPort { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Data);
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
        try
        {
            Directory.Delete(Data, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    public static string NewRepo(string prefix = "client") => $"{prefix}/{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}

/// <summary>A temporary directory removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wharf-ct-" + Guid.NewGuid().ToString("N")[..12]);

    public TempDir() => Directory.CreateDirectory(Path);

    public string File(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}

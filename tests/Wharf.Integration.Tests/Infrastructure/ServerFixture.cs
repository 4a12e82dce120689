using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>One <c>wharf serve</c> per test class; tests in the class use their own repository names.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private WharfProcess? _server;

    public WharfProcess Server => _server ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync() => _server = await WharfProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

/// <summary>
/// Base of the tests that talk to a shared server: gives them a <see cref="RegistryClient"/> and writes what the
/// server printed during the test to the test output, which the test runner shows for a failing test.
/// </summary>
public abstract class ServerTest : IDisposable
{
    private readonly int _logStart;
    private bool _disposed;

    protected ServerTest(ServerFixture fixture, ITestOutputHelper output)
    {
        Server = fixture.Server;
        Output = output;
        _logStart = Server.LogLineCount;
        Http = Server.CreateClient();
        Registry = new RegistryClient(Http);
    }

    protected WharfProcess Server { get; }
    protected ITestOutputHelper Output { get; }
    protected HttpClient Http { get; }
    protected RegistryClient Registry { get; }

    /// <summary>A repository name no other test uses.</summary>
    protected static string NewRepo(string prefix = "e2e") => $"{prefix}/{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        if (!disposing) return;
        Http.Dispose();
        ServerLog.Write(Output, Server, _logStart);
    }
}

public static class ServerLog
{
    public static void Write(ITestOutputHelper output, WharfProcess server, int fromLine = 0)
    {
        try
        {
            output.WriteLine($"--- wharf serve output ({server.BaseAddress}, data {server.DataDir}) ---");
            output.WriteLine(server.LogSince(fromLine));
        }
        catch (InvalidOperationException)
        {
            // The test is already over (output helper closed).
        }
    }
}

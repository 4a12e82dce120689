using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Auth;

/// <summary>
/// A real <c>wharf serve</c> with access control on, set up the way an operator would: users, a namespace and a
/// robot made with the offline CLI on the data directory before the server first starts.
/// </summary>
public sealed class SecuredServerFixture : IAsyncLifetime
{
    public const string AdminPassword = "admin-password-1234";
    public const string WriterPassword = "writer-password-5678";
    public const string ReaderPassword = "reader-password-9012";

    private readonly TempDirectory _data = new("wharf-secured");
    private WharfProcess? _server;

    public WharfProcess Server => _server ?? throw new InvalidOperationException("server not started");

    public string DataDir => _data.Path;

    /// <summary>The robot "ci" (team: pull, push), its secret as printed once by <c>wharf token create</c>.</summary>
    public string RobotSecret { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var cli = new Command(new NullOutput());
        async Task<CommandResult> Wharf(string? stdin, params string[] args)
        {
            cli.StandardInput = stdin;
            return await cli.RunAsync(TimeSpan.FromMinutes(1), WharfBinary.DotNetHost, [WharfBinary.DllPath, .. args, "--data", DataDir]);
        }
        await Wharf(AdminPassword + "\n", "user", "add", "admin", "--admin");
        await Wharf(WriterPassword + "\n", "user", "add", "writer");
        await Wharf(ReaderPassword + "\n", "user", "add", "reader");
        await Wharf(null, "namespace", "create", "team");
        await Wharf(null, "namespace", "grant", "team", "writer", "writer");
        await Wharf(null, "namespace", "grant", "team", "reader", "reader");
        var robot = await Wharf(null, "token", "create", "ci", "--grant", "team:pull,push");
        RobotSecret = robot.StdOut.Trim();
        _server = await WharfProcess.StartAsync(new WharfOptions { DataDir = DataDir });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _data.Dispose();
    }

    private sealed class NullOutput : ITestOutputHelper
    {
        public void WriteLine(string message) { }
        public void WriteLine(string format, params object[] args) { }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Clients;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Auth;

/// <summary>
/// Access control on the real server process with real clients: podman login, skopeo with credentials, the
/// denied message, the guessing throttle, wharf login, and no secret at rest or in the log.
/// </summary>
public sealed class SecuredServerTests(SecuredServerFixture fixture, ITestOutputHelper output) : IClassFixture<SecuredServerFixture>, IDisposable
{
    private readonly WharfProcess _server = fixture.Server;
    private readonly HttpClient _http = fixture.Server.CreateClient();
    private readonly int _logStart = fixture.Server.LogLineCount;

    public void Dispose()
    {
        _http.Dispose();
        ServerLog.Write(output, _server, _logStart);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, AuthenticationHeaderValue? auth, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = auth;
        return await _http.SendAsync(request);
    }

    [ToolFact("podman", "skopeo", Prerequisites.Root)]
    public async Task Podman_push_without_login_is_denied_and_after_login_push_and_pull_work()
    {
        Prerequisites.Require("podman", "skopeo", Prerequisites.Root);
        using var env = new ClientEnvironment(_server, output);
        string root = env.Sub("storage"), runRoot = env.Sub("run");
        var image = Images.Random(layers: 2);
        string layout = env.Sub("layout");
        OciLayout.Write(layout, image, "v1");
        string local = "localhost/wharf-e2e/secured:v1", remote = $"{_server.HostPort}/team/podman:v1";
        string[] global = ["--root", root, "--runroot", runRoot, "--storage-driver", "vfs", "--events-backend", "none", "--cgroup-manager", "cgroupfs"];
        Task<CommandResult> Podman(params string[] args) => env.Command.TryRunAsync(TimeSpan.FromMinutes(3), "podman", [.. global, .. args]);
        try
        {
            await env.Command.RunAsync("skopeo", "--policy", env.Policy, "copy", $"oci:{layout}:v1", $"containers-storage:[vfs@{root}+{runRoot}]{local}");

            var anonymous = await Podman("push", "--tls-verify=false", local, remote);
            Assert.NotEqual(0, anonymous.ExitCode);
            Assert.Contains("requested access to the resource is denied", anonymous.StdErr + anonymous.StdOut);

            env.Command.StandardInput = "wrong-password\n";
            var wrong = await Podman("login", "--tls-verify=false", "-u", "writer", "--password-stdin", _server.HostPort);
            Assert.NotEqual(0, wrong.ExitCode);

            env.Command.StandardInput = SecuredServerFixture.WriterPassword + "\n";
            var login = await Podman("login", "--tls-verify=false", "-u", "writer", "--password-stdin", _server.HostPort);
            Assert.True(login.ExitCode == 0, login.ToString());
            Assert.Contains("Login Succeeded", login.StdOut);

            var push = await Podman("push", "--tls-verify=false", local, remote);
            Assert.True(push.ExitCode == 0, push.ToString());
            Assert.Equal(0, (await Podman("rmi", "--all", "--force")).ExitCode);
            var pull = await Podman("pull", "--tls-verify=false", remote);
            Assert.True(pull.ExitCode == 0, pull.ToString());
            var id = await Podman("image", "inspect", "--format", "{{.Id}}", remote);
            Assert.Equal(Digests.Hex(image.Config!.Digest), id.StdOut.Trim());

            // The push is in the audit log, under the user's name, with the manifest digest.
            using var audit = await SendAsync(HttpMethod.Get, "/api/v1/audit?limit=1000", Basic("admin", SecuredServerFixture.AdminPassword));
            Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
            var entries = JsonNode.Parse(await audit.Content.ReadAsStringAsync())!["entries"]!.AsArray();
            Assert.Contains(entries, e => (string?)e!["subject"] == "user:writer" && (string?)e["action"] == "push"
                && (string?)e["repository"] == "team/podman" && ((string?)e["digest"])!.StartsWith("sha256:", StringComparison.Ordinal) && (bool)e["allowed"]!);
            Assert.Contains(entries, e => (string?)e!["subject"] == "user:writer" && (string?)e["action"] == "login" && !(bool)e["allowed"]!);
        }
        finally
        {
            await env.Command.TryRunAsync(TimeSpan.FromMinutes(1), "podman", [.. global, "rmi", "--all", "--force"]);
        }
    }

    [ToolFact("skopeo")]
    public async Task Skopeo_copies_with_dest_and_src_credentials_and_a_robot_secret()
    {
        Prerequisites.Require("skopeo");
        using var env = new ClientEnvironment(_server, output);
        var image = Images.Random(layers: 2);
        string source = env.Sub("source"), copy = env.Sub("copy"), robotCopy = env.Sub("robot");
        OciLayout.Write(source, image, "v1");
        string remote = $"docker://{_server.HostPort}/team/skopeo:v1";
        Task<CommandResult> Skopeo(params string[] args) => env.Command.TryRunAsync(TimeSpan.FromMinutes(3), "skopeo", ["--policy", env.Policy, .. args]);

        var denied = await Skopeo("copy", "--dest-tls-verify=false", "--dest-creds", $"reader:{SecuredServerFixture.ReaderPassword}", $"oci:{source}:v1", remote);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("requested access to the resource is denied", denied.StdErr);

        var push = await Skopeo("copy", "--dest-tls-verify=false", "--preserve-digests", "--dest-creds", $"writer:{SecuredServerFixture.WriterPassword}", $"oci:{source}:v1", remote);
        Assert.True(push.ExitCode == 0, push.ToString());
        var pull = await Skopeo("copy", "--src-tls-verify=false", "--preserve-digests", "--src-creds", $"reader:{SecuredServerFixture.ReaderPassword}", remote, $"oci:{copy}:v1");
        Assert.True(pull.ExitCode == 0, pull.ToString());
        OciLayout.AssertSame(source, copy, "v1");

        var robot = await Skopeo("copy", "--src-tls-verify=false", "--preserve-digests", "--src-creds", $"ci:{fixture.RobotSecret}", remote, $"oci:{robotCopy}:v1");
        Assert.True(robot.ExitCode == 0, robot.ToString());
        OciLayout.AssertSame(source, robotCopy, "v1");

        var anonymous = await Skopeo("inspect", "--raw", "--tls-verify=false", remote);
        Assert.NotEqual(0, anonymous.ExitCode);
    }

    [Fact]
    public async Task A_protected_request_gets_the_challenge_clients_expect_and_the_token_carries_only_what_is_held()
    {
        using var anonymous = await SendAsync(HttpMethod.Get, "/v2/team/model/tags/list", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal($"Bearer realm=\"http://{_server.HostPort}/auth/token\",service=\"wharf\",scope=\"repository:team/model:pull\"",
            anonymous.Headers.WwwAuthenticate.Single().ToString());

        using var token = await SendAsync(HttpMethod.Get, "/auth/token?service=wharf&scope=repository:team/model:pull,push,delete", Basic("reader", SecuredServerFixture.ReaderPassword));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var jwt = JsonNode.Parse(await token.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        var payload = JsonNode.Parse(Base64Url(jwt.Split('.')[1]))!;
        Assert.Equal("""[{"type":"repository","name":"team/model","actions":["pull"]}]""", payload["access"]!.ToJsonString());
        Assert.Equal("ES256", JsonNode.Parse(Base64Url(jwt.Split('.')[0]))!["alg"]!.GetValue<string>());

        using var push = await SendAsync(HttpMethod.Post, "/v2/team/model/blobs/uploads/", new AuthenticationHeaderValue("Bearer", jwt));
        Assert.Equal(HttpStatusCode.Forbidden, push.StatusCode);
        Assert.Contains("requested access to the resource is denied", await push.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_throttle_slows_a_guessing_loop_and_the_right_password_works_again_shortly_after()
    {
        // A user of its own, so no other test's logins share its throttle record.
        var cli = new Command(output) { StandardInput = "guess-me-password\n" };
        await cli.RunAsync(TimeSpan.FromMinutes(1), WharfBinary.DotNetHost, WharfBinary.DllPath, "user", "add", "guessme", "--data", fixture.DataDir);

        int checkedGuesses = 0, refused = 0;
        var clock = Stopwatch.StartNew();
        TimeSpan? retryAfter = null;
        // Guess as fast as the server answers, until it has refused twenty guesses unchecked.
        while (refused < 20 && clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            using var guess = await SendAsync(HttpMethod.Get, "/auth/token?service=wharf", Basic("guessme", $"guess-{checkedGuesses + refused}"));
            if (guess.StatusCode == HttpStatusCode.Unauthorized) checkedGuesses++;
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, guess.StatusCode);
                retryAfter = guess.Headers.RetryAfter?.Delta;
                refused++;
            }
        }
        // Five free guesses, then at most one per growing delay: the loop got nowhere near its speed.
        Assert.InRange(checkedGuesses, 5, 7);
        Assert.Equal(20, refused);
        Assert.NotNull(retryAfter);

        // While throttled even the right password is not checked; once the delay is over it works.
        using (var early = await SendAsync(HttpMethod.Get, "/auth/token?service=wharf", Basic("guessme", "guess-me-password")))
            Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
        await Task.Delay(retryAfter!.Value + TimeSpan.FromMilliseconds(200));
        using var right = await SendAsync(HttpMethod.Get, "/auth/token?service=wharf", Basic("guessme", "guess-me-password"));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("throttled", _server.LogSince(_logStart));
    }

    [Fact]
    public async Task Wharf_login_checks_the_password_and_keeps_the_credentials_owner_only()
    {
        using var dir = new TempDirectory("wharf-login");
        var file = Path.Combine(dir.Path, "conf", "credentials.json");
        var cli = new Command(output);
        cli.Environment["WHARF_CREDENTIALS"] = file;

        cli.StandardInput = "not-the-password\n";
        var wrong = await cli.TryRunAsync(TimeSpan.FromMinutes(1), WharfBinary.DotNetHost, WharfBinary.DllPath, "login", _server.HostPort, "-u", "writer");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("invalid username or password", wrong.StdErr);
        Assert.False(File.Exists(file));

        cli.StandardInput = SecuredServerFixture.WriterPassword + "\n";
        var login = await cli.TryRunAsync(TimeSpan.FromMinutes(1), WharfBinary.DotNetHost, WharfBinary.DllPath, "login", _server.HostPort, "-u", "writer");
        Assert.True(login.ExitCode == 0, login.ToString());
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var saved = JsonNode.Parse(await File.ReadAllTextAsync(file))![_server.HostPort]!;
        Assert.Equal("writer", saved["username"]!.GetValue<string>());
        Assert.Equal(SecuredServerFixture.WriterPassword, saved["secret"]!.GetValue<string>());

        var logout = await cli.TryRunAsync(TimeSpan.FromMinutes(1), WharfBinary.DotNetHost, WharfBinary.DllPath, "logout", _server.HostPort);
        Assert.Equal(0, logout.ExitCode);
        Assert.Null(JsonNode.Parse(await File.ReadAllTextAsync(file))![_server.HostPort]);
    }

    [Fact]
    public async Task Passwords_and_token_secrets_are_neither_in_the_database_nor_in_the_log()
    {
        // Use every secret there is: passwords (Basic and OAuth2 form), a refresh token, a robot secret, wrong passwords.
        using var offline = await SendAsync(HttpMethod.Post, "/auth/token", null, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = "writer", ["password"] = SecuredServerFixture.WriterPassword,
            ["access_type"] = "offline", ["client_id"] = "e2e", ["service"] = "wharf", ["scope"] = "repository:team/model:pull,push",
        }));
        Assert.Equal(HttpStatusCode.OK, offline.StatusCode);
        var answer = JsonNode.Parse(await offline.Content.ReadAsStringAsync())!;
        string refresh = answer["refresh_token"]!.GetValue<string>(), access = answer["access_token"]!.GetValue<string>();
        using var refreshed = await SendAsync(HttpMethod.Post, "/auth/token", null, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = refresh, ["client_id"] = "e2e", ["scope"] = "repository:team/model:pull",
        }));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        using var robot = await SendAsync(HttpMethod.Get, "/v2/team/model/tags/list", Basic("ci", fixture.RobotSecret));
        Assert.Equal(HttpStatusCode.NotFound, robot.StatusCode); // allowed to look, nothing there
        using var wrong = await SendAsync(HttpMethod.Get, "/auth/token", Basic("reader", "reader-wrong-secret-42"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var bearer = await SendAsync(HttpMethod.Get, "/v2/", new AuthenticationHeaderValue("Bearer", access));
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);

        string[] secrets =
        [
            SecuredServerFixture.AdminPassword, SecuredServerFixture.WriterPassword, SecuredServerFixture.ReaderPassword,
            fixture.RobotSecret, refresh, access, "reader-wrong-secret-42", Basic("ci", fixture.RobotSecret).Parameter!,
        ];
        var databaseFiles = Directory.GetFiles(fixture.DataDir, "wharf.db*");
        Assert.NotEmpty(databaseFiles);
        foreach (var path in databaseFiles)
        {
            byte[] bytes;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var memory = new MemoryStream())
            {
                await stream.CopyToAsync(memory);
                bytes = memory.ToArray();
            }
            foreach (var secret in secrets)
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"a secret is in {Path.GetFileName(path)} in clear");
        }
        await Task.Delay(300); // the server's log lines for the requests above
        var log = _server.Log;
        Assert.Contains("login failed for 'reader'", log);
        foreach (var secret in secrets) Assert.DoesNotContain(secret, log);
    }

    private static byte[] Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Server.Auth;

namespace Wharf.Server.Tests.Auth;

/// <summary>
/// Every /v2 endpoint × every kind of caller: each cell gets exactly the allowed outcome, and for callers that
/// may not pull, a missing repository answers exactly like an existing private one.
/// </summary>
public sealed class AccessMatrixTests : IAsyncLifetime
{
    private const string Repo = "team/model";
    private const string Missing = "team/missing";
    private const AccessAction Pull = AccessAction.Pull, Push = AccessAction.Push, Delete = AccessAction.Delete;

    private AuthFixture _auth = null!;
    private AuthenticationHeaderValue _admin = null!;
    private string _labBlob = "", _teamBlob = "", _repoBlob = "";
    private readonly Dictionary<string, (AuthenticationHeaderValue? Credentials, AccessAction Holds, Kind Kind)> _callers = [];

    private enum Kind
    {
        Signed,
        /// <summary>No credentials at all.</summary>
        Anonymous,
        /// <summary>Credentials that do not hold: 401 everywhere.</summary>
        Invalid,
        /// <summary>A valid token for another repository: 401 insufficient_scope where the holder has the right.</summary>
        OtherRepository,
    }

    private static readonly string[] AllScopes =
    [
        $"repository:{Repo}:pull,push,delete", $"repository:{Missing}:pull,push,delete",
        "repository:team/source:pull", "repository:lab/source:pull", "registry:catalog:*",
    ];

    public async Task InitializeAsync()
    {
        // The matrix sends wrong passwords on purpose, far more than the guessing throttle lets through.
        _auth = await AuthFixture.StartAsync(new Dictionary<string, string?> { ["Auth:FreeLoginFailures"] = "100000" });
        var admin = AuthFixture.Basic("admin", AuthFixture.Password);
        _admin = AuthFixture.Bearer(await _auth.TokenAsync(admin, [.. AllScopes, "repository:team/source:push", "repository:lab/source:push"]));
        await _auth.PushManifestAsync(_admin, Repo, "v1", await _auth.ManifestAsync(_admin, Repo));
        _repoBlob = await _auth.PushBlobAsync(_admin, Repo);
        _teamBlob = await _auth.PushBlobAsync(_admin, "team/source");
        _labBlob = await _auth.PushBlobAsync(_admin, "lab/source");

        async Task<AuthenticationHeaderValue> UserToken(string user) =>
            AuthFixture.Bearer(await _auth.TokenAsync(AuthFixture.Basic(user, AuthFixture.Password), AllScopes));

        _callers["anonymous"] = (null, AccessAction.None, Kind.Anonymous);
        _callers["reader"] = (await UserToken("reader"), Pull, Kind.Signed);
        _callers["reader (Basic)"] = (AuthFixture.Basic("reader", AuthFixture.Password), Pull, Kind.Signed);
        _callers["writer"] = (await UserToken("writer"), Pull | Push, Kind.Signed);
        _callers["maintainer"] = (await UserToken("maintainer"), Pull | Push | Delete, Kind.Signed);
        _callers["admin"] = (_admin, AccessAction.All, Kind.Signed);

        var narrow = await _auth.AddRobotAsync("narrow", $"{Repo}:pull");
        _callers["narrow robot"] = (AuthFixture.Bearer(await _auth.TokenAsync(AuthFixture.Basic("narrow", narrow), AllScopes)), Pull, Kind.Signed);

        var revoked = await _auth.AddRobotAsync("revoked", "team:pull,push");
        var revokedToken = await _auth.TokenAsync(AuthFixture.Basic("revoked", revoked), AllScopes);
        await _auth.Store.RevokeRobotAsync("revoked", DateTimeOffset.UtcNow, default);
        _callers["revoked robot (token)"] = (AuthFixture.Bearer(revokedToken), AccessAction.None, Kind.Invalid);
        _callers["revoked robot (Basic)"] = (AuthFixture.Basic("revoked", revoked), AccessAction.None, Kind.Invalid);

        _callers["wrong password"] = (AuthFixture.Basic("writer", "not the password"), AccessAction.None, Kind.Invalid);
        _callers["expired token"] = (AuthFixture.Bearer(ExpiredToken("user:writer")), AccessAction.None, Kind.Invalid);
        var writerToken = await _auth.TokenAsync(AuthFixture.Basic("writer", AuthFixture.Password), AllScopes);
        _callers["tampered token"] = (AuthFixture.Bearer(Tamper(writerToken)), AccessAction.None, Kind.Invalid);
        var otherToken = await _auth.TokenAsync(AuthFixture.Basic("writer", AuthFixture.Password), "repository:team/other:pull,push");
        _callers["token for another repository"] = (AuthFixture.Bearer(otherToken), Pull | Push, Kind.OtherRepository);
    }

    public async Task DisposeAsync() => await _auth.DisposeAsync();

    /// <summary>A token signed with the registry's own key, issued an hour ago with a five-minute lifetime.</summary>
    private string ExpiredToken(string subject)
    {
        var key = TokenKey.Load(Path.Combine(_auth.Data, "auth", "token-key.pem"), generateIfMissing: false);
        var issuer = new TokenIssuer(key, new AuthSettings(), new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromHours(1)));
        return issuer.Issue(subject, [AccessScope.Repository(Repo, AccessAction.All), AccessScope.Catalog]).Jwt;
    }

    /// <summary>The same token with its subject changed to the administrator; the signature no longer matches.</summary>
    private static string Tamper(string jwt)
    {
        var parts = jwt.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url(parts[1]));
        Assert.Contains("user:writer", payload);
        parts[1] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace("user:writer", "user:admin"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return string.Join('.', parts);
    }

    private static byte[] Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    /// <summary>One endpoint: what it needs, what success looks like, and how to build a fresh request for one cell.</summary>
    private sealed record Endpoint(string Name, AccessAction Needs, HttpStatusCode Success, Func<string, Task<HttpRequestMessage>> Request,
        bool LeakCheck = false, HttpStatusCode? HolderSuccess = null);

    private IEnumerable<Endpoint> Endpoints()
    {
        static Task<HttpRequestMessage> R(HttpMethod method, string path, HttpContent? content = null) =>
            Task.FromResult(new HttpRequestMessage(method, path) { Content = content });

        yield return new("GET /v2/tags/list", Pull, HttpStatusCode.OK, repo => R(HttpMethod.Get, $"/v2/{repo}/tags/list"), LeakCheck: true);
        yield return new("GET manifest", Pull, HttpStatusCode.OK, repo => R(HttpMethod.Get, $"/v2/{repo}/manifests/v1"), LeakCheck: true);
        yield return new("HEAD manifest", Pull, HttpStatusCode.OK, repo => R(HttpMethod.Head, $"/v2/{repo}/manifests/v1"), LeakCheck: true);
        yield return new("GET blob", Pull, HttpStatusCode.OK, repo => R(HttpMethod.Get, $"/v2/{repo}/blobs/{_repoBlob}"), LeakCheck: true);
        yield return new("HEAD blob", Pull, HttpStatusCode.OK, repo => R(HttpMethod.Head, $"/v2/{repo}/blobs/{_repoBlob}"), LeakCheck: true);
        yield return new("GET referrers", Pull, HttpStatusCode.OK, repo => R(HttpMethod.Get, $"/v2/{repo}/referrers/{_repoBlob}"));
        yield return new("PUT manifest", Push, HttpStatusCode.Created, async repo =>
            new HttpRequestMessage(HttpMethod.Put, $"/v2/{repo}/manifests/cell") { Content = AuthFixture.ManifestContent(await _auth.ManifestAsync(_admin, repo)) });
        yield return new("DELETE manifest", Delete, HttpStatusCode.Accepted, async repo =>
        {
            var manifest = await _auth.ManifestAsync(_admin, repo, "delete");
            var digest = await _auth.PushManifestAsync(_admin, repo, Digest.Compute(manifest).ToString(), manifest);
            return new HttpRequestMessage(HttpMethod.Delete, $"/v2/{repo}/manifests/{digest}");
        });
        yield return new("DELETE blob", Delete, HttpStatusCode.Accepted, async repo =>
            new HttpRequestMessage(HttpMethod.Delete, $"/v2/{repo}/blobs/{await _auth.PushBlobAsync(_admin, repo)}"));
        yield return new("POST upload", Push, HttpStatusCode.Accepted, repo => R(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/"));
        yield return new("POST monolithic upload", Push, HttpStatusCode.Created, repo =>
        {
            var blob = RandomNumberGenerator.GetBytes(16);
            return R(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={Digest.Compute(blob)}", new ByteArrayContent(blob));
        });
        yield return new("GET upload", Push, HttpStatusCode.NoContent, async repo => new HttpRequestMessage(HttpMethod.Get, await SessionAsync(repo)));
        yield return new("PATCH upload", Push, HttpStatusCode.Accepted, async repo =>
            new HttpRequestMessage(HttpMethod.Patch, await SessionAsync(repo)) { Content = Octets(RandomNumberGenerator.GetBytes(10)) });
        yield return new("PUT upload", Push, HttpStatusCode.Created, async repo =>
        {
            var blob = RandomNumberGenerator.GetBytes(10);
            return new HttpRequestMessage(HttpMethod.Put, await SessionAsync(repo) + $"?digest={Digest.Compute(blob)}") { Content = Octets(blob) };
        });
        yield return new("DELETE upload", Push, HttpStatusCode.NoContent, async repo => new HttpRequestMessage(HttpMethod.Delete, await SessionAsync(repo)));
        // Mounting from lab/source needs pull there, which only the administrator has: everyone else with push gets a plain session.
        yield return new("mount from lab/source", Push, HttpStatusCode.Accepted,
            repo => R(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?mount={_labBlob}&from=lab/source"), HolderSuccess: HttpStatusCode.Created);
        yield return new("mount from team/source", Push, HttpStatusCode.Created,
            repo => R(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?mount={_teamBlob}&from=team/source"));
    }

    private static ByteArrayContent Octets(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private async Task<string> SessionAsync(string repo)
    {
        using var response = await _auth.SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/", _admin);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    /// <summary>What the cell must answer.</summary>
    private static HttpStatusCode Expected(Endpoint endpoint, AccessAction holds, Kind kind, string caller)
    {
        if (kind is Kind.Anonymous or Kind.Invalid) return HttpStatusCode.Unauthorized;
        // HEAD cannot carry the DENIED body: it answers 401 (insufficient_scope), which clients read as "not there".
        if ((holds & endpoint.Needs) != endpoint.Needs) return endpoint.Name.StartsWith("HEAD", StringComparison.Ordinal) ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
        if (kind == Kind.OtherRepository) return HttpStatusCode.Unauthorized;
        if (endpoint.HolderSuccess is { } holder && caller == "admin") return holder;
        return endpoint.Success;
    }

    [Fact]
    public async Task Every_endpoint_gives_every_caller_exactly_the_allowed_outcome()
    {
        var failures = new List<string>();
        foreach (var endpoint in Endpoints())
        {
            foreach (var (caller, (credentials, holds, kind)) in _callers)
            {
                var expected = Expected(endpoint, holds, kind, caller);
                using var request = await endpoint.Request(Repo);
                request.Headers.Authorization = credentials;
                using var response = await _auth.Client.SendAsync(request);
                await CheckAsync(failures, $"{endpoint.Name} × {caller}", expected, response, Repo, endpoint.Needs);

                if (!endpoint.LeakCheck) continue;
                // A caller who may not pull sees the same answer for a missing repository; one who may sees 404.
                using var missingRequest = await endpoint.Request(Missing);
                missingRequest.Headers.Authorization = credentials;
                using var missing = await _auth.Client.SendAsync(missingRequest);
                // The narrow robot's grant covers team/model only: team/missing is like any other private repository to it.
                var expectMissing = caller == "narrow robot" ? Expected(endpoint, AccessAction.None, kind, caller)
                    : expected == endpoint.Success ? HttpStatusCode.NotFound : expected;
                await CheckAsync(failures, $"{endpoint.Name} × {caller} on a missing repository", expectMissing, missing, Missing, endpoint.Needs);
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} cells wrong:\n" + string.Join('\n', failures));
    }

    [Fact]
    public async Task The_base_endpoint_and_the_catalog_need_valid_credentials_and_the_catalog_shows_only_what_may_be_pulled()
    {
        var failures = new List<string>();
        foreach (var (caller, (credentials, holds, kind)) in _callers)
        {
            using var baseResponse = await _auth.SendAsync(HttpMethod.Get, "/v2/", credentials);
            var expectBase = kind is Kind.Anonymous or Kind.Invalid ? HttpStatusCode.Unauthorized : HttpStatusCode.OK;
            await CheckAsync(failures, $"GET /v2/ × {caller}", expectBase, baseResponse, null, AccessAction.None);

            using var catalog = await _auth.SendAsync(HttpMethod.Get, "/v2/_catalog", credentials);
            var expectCatalog = kind is Kind.Signed ? HttpStatusCode.OK : HttpStatusCode.Unauthorized;
            await CheckAsync(failures, $"GET /v2/_catalog × {caller}", expectCatalog, catalog, null, AccessAction.None);
            if (catalog.StatusCode != HttpStatusCode.OK) continue;
            using var json = JsonDocument.Parse(await catalog.Content.ReadAsStringAsync());
            var names = json.RootElement.GetProperty("repositories").EnumerateArray().Select(e => e.GetString()).ToList();
            // Robots see what their grants cover; people in team see all of team; only the administrator sees lab.
            bool seesLab = caller == "admin";
            bool seesTeamSource = holds != AccessAction.None && caller != "narrow robot";
            if (!names.Contains(Repo)) failures.Add($"catalog × {caller}: {Repo} missing from [{string.Join(", ", names)}]");
            if (names.Contains("lab/source") != seesLab) failures.Add($"catalog × {caller}: lab/source shown={!seesLab}");
            if (names.Contains("team/source") != seesTeamSource) failures.Add($"catalog × {caller}: team/source shown={!seesTeamSource}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static async Task CheckAsync(List<string> failures, string cell, HttpStatusCode expected, HttpResponseMessage response, string? repo, AccessAction needs)
    {
        var body = response.Content is null ? "" : await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            failures.Add($"{cell}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
            return;
        }
        if (expected == HttpStatusCode.Unauthorized)
        {
            var challenge = string.Join(",", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
            if (!challenge.StartsWith("Bearer realm=\"http://127.0.0.1:", StringComparison.Ordinal) || !challenge.Contains("/auth/token\",service=\"wharf\""))
                failures.Add($"{cell}: challenge '{challenge}'");
            if (repo is not null && !challenge.Contains($"scope=\"repository:{repo}:"))
                failures.Add($"{cell}: challenge without the repository scope '{challenge}'");
        }
        if (expected == HttpStatusCode.Forbidden && response.RequestMessage?.Method != HttpMethod.Head
            && !(body.Contains("\"DENIED\"") && body.Contains(AccessGuard.DeniedMessage)))
            failures.Add($"{cell}: 403 body {body}");
    }
}

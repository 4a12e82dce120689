using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Server.Auth;
using Wharf.Server.Tests.Http;

namespace Wharf.Server.Tests.Auth;

/// <summary>
/// A registry with access control on: users admin (registry administrator), reader, writer and maintainer
/// (roles in namespace team), robot accounts, and content in team/model, team/source and lab/source.
/// </summary>
internal sealed class AuthFixture : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    private readonly TempDirectory _dir;

    private AuthFixture(TestRegistry registry, TempDirectory dir)
    {
        Registry = registry;
        _dir = dir;
    }

    public TestRegistry Registry { get; }
    public HttpClient Client => Registry.Client;
    public IAccessStore Store => Registry.Services.GetRequiredService<IAccessStore>();
    public string Data => Registry.Data;

    public static async Task<AuthFixture> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var dir = new TempDirectory();
        var registry = await TestRegistry.StartAsync(dir.Path, settings);
        var fixture = new AuthFixture(registry, dir);
        await fixture.SeedAsync();
        return fixture;
    }

    private async Task SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var hash = PasswordHasher.Hash(Password);
        await Store.AddUserAsync(new UserRecord("admin", hash, IsAdmin: true, now), default);
        foreach (var name in new[] { "reader", "writer", "maintainer" }) await Store.AddUserAsync(new UserRecord(name, hash, false, now), default);
        await Store.CreateNamespaceAsync(new NamespaceRecord("team", false, now), default);
        await Store.CreateNamespaceAsync(new NamespaceRecord("lab", false, now), default);
        await Store.SetMemberAsync(new Membership("team", "reader", Role.Reader), default);
        await Store.SetMemberAsync(new Membership("team", "writer", Role.Writer), default);
        await Store.SetMemberAsync(new Membership("team", "maintainer", Role.Maintainer), default);
    }

    /// <summary>Adds a robot and returns its secret.</summary>
    public async Task<string> AddRobotAsync(string name, string grants, DateTimeOffset? expires = null)
    {
        var secret = Secrets.NewRobotSecret();
        Assert.True(RobotGrant.TryParseList(grants, out var parsed));
        Assert.Equal(AccessStoreOutcome.Done, await Store.AddRobotAsync(
            new RobotRecord(name, Secrets.Hash(secret), parsed, DateTimeOffset.UtcNow, expires, null, "admin"), default));
        return secret;
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    /// <summary>GET /auth/token with Basic credentials (or none) for the scopes; fails the test unless 200.</summary>
    public async Task<string> TokenAsync(AuthenticationHeaderValue? credentials, params string[] scopes)
    {
        using var response = await GetTokenAsync(credentials, scopes);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    public Task<HttpResponseMessage> GetTokenAsync(AuthenticationHeaderValue? credentials, params string[] scopes)
    {
        var query = string.Join('&', scopes.Select(s => "scope=" + Uri.EscapeDataString(s)));
        var request = new HttpRequestMessage(HttpMethod.Get, "/auth/token?service=wharf" + (query.Length > 0 ? "&" + query : ""));
        request.Headers.Authorization = credentials;
        return Client.SendAsync(request);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, AuthenticationHeaderValue? credentials, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = credentials;
        return await Client.SendAsync(request);
    }

    /// <summary>Pushes a blob as <paramref name="credentials"/>; returns its digest.</summary>
    public async Task<string> PushBlobAsync(AuthenticationHeaderValue credentials, string repository, byte[]? blob = null)
    {
        blob ??= RandomNumberGenerator.GetBytes(32);
        var digest = Digest.Compute(blob).ToString();
        using var response = await SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/?digest={digest}", credentials, new ByteArrayContent(blob));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"blob push: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return digest;
    }

    /// <summary>An image manifest over a fresh config and layer pushed to <paramref name="repository"/>.</summary>
    public async Task<byte[]> ManifestAsync(AuthenticationHeaderValue credentials, string repository, string note = "")
    {
        var config = Encoding.UTF8.GetBytes("{\"note\":\"" + note + Guid.NewGuid().ToString("N") + "\"}");
        var layer = RandomNumberGenerator.GetBytes(48);
        var configDigest = await PushBlobAsync(credentials, repository, config);
        var layerDigest = await PushBlobAsync(credentials, repository, layer);
        return Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",
             "config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{configDigest}}","size":{{config.Length}}},
             "layers":[{"mediaType":"{{MediaTypes.OciLayerTar}}","digest":"{{layerDigest}}","size":48}]}
            """);
    }

    public static ByteArrayContent ManifestContent(byte[] manifest)
    {
        var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        return content;
    }

    /// <summary>Pushes a manifest under <paramref name="reference"/>; returns its digest.</summary>
    public async Task<string> PushManifestAsync(AuthenticationHeaderValue credentials, string repository, string reference, byte[] manifest)
    {
        using var response = await SendAsync(HttpMethod.Put, $"/v2/{repository}/manifests/{reference}", credentials, ManifestContent(manifest));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"manifest push: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Digest.Compute(manifest).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        _dir.Dispose();
    }
}

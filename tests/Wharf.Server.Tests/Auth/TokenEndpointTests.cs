using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Core.Access;

namespace Wharf.Server.Tests.Auth;

/// <summary>/auth/token: bad input gets a clear OAuth2-style error, refresh tokens, robots that expired or were revoked.</summary>
public sealed class TokenEndpointTests : IAsyncLifetime
{
    private AuthFixture _auth = null!;

    public async Task InitializeAsync() => _auth = await AuthFixture.StartAsync();

    public async Task DisposeAsync() => await _auth.DisposeAsync();

    private sealed record TokenError(HttpStatusCode Status, string Error, string Description)
    {
        public (HttpStatusCode, string) StatusAndCode => (Status, Error);
    }

    private static async Task<TokenError> ErrorOf(HttpResponseMessage response)
    {
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return new(response.StatusCode, json["error"]?.GetValue<string>() ?? "", json["error_description"]?.GetValue<string>() ?? "");
    }

    private Task<HttpResponseMessage> PostAsync(Dictionary<string, string> form) =>
        _auth.Client.PostAsync("/auth/token", new FormUrlEncodedContent(form));

    [Theory]
    [InlineData("/auth/token?scope=bogus", "invalid_scope", "scope 'bogus'")]
    [InlineData("/auth/token?scope=repository:Team/Model:pull", "invalid_scope", "TYPE:NAME:ACTIONS")]
    [InlineData("/auth/token?service=elsewhere", "invalid_request", "unknown service 'elsewhere'")]
    public async Task Bad_queries_get_400_with_a_clear_error(string path, string error, string says)
    {
        using var response = await _auth.Client.GetAsync(path);
        var (status, code, description) = await ErrorOf(response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(error, code);
        Assert.Contains(says, description);
    }

    [Fact]
    public async Task Malformed_basic_credentials_get_400_and_wrong_ones_401()
    {
        using var malformed = await _auth.SendAsync(HttpMethod.Get, "/auth/token", new("Basic", "%%%"));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (await ErrorOf(malformed)).StatusAndCode);
        using var wrong = await _auth.GetTokenAsync(AuthFixture.Basic("writer", "nope-nope-nope"));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_grant"), (await ErrorOf(wrong)).StatusAndCode);
        using var unknown = await _auth.GetTokenAsync(AuthFixture.Basic("nobody", "nope-nope-nope"));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task The_oauth2_form_refuses_what_it_cannot_serve()
    {
        using var json = await _auth.Client.PostAsync("/auth/token", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (await ErrorOf(json)).StatusAndCode);
        using var missing = await PostAsync(new() { ["username"] = "writer" });
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (await ErrorOf(missing)).StatusAndCode);
        using var unsupported = await PostAsync(new() { ["grant_type"] = "client_credentials" });
        Assert.Equal((HttpStatusCode.BadRequest, "unsupported_grant_type"), (await ErrorOf(unsupported)).StatusAndCode);
        using var noPassword = await PostAsync(new() { ["grant_type"] = "password", ["username"] = "writer" });
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (await ErrorOf(noPassword)).StatusAndCode);
        using var badRefresh = await PostAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = "wharf_rf_made_up" });
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (await ErrorOf(badRefresh)).StatusAndCode);
        Assert.Empty(await _auth.Store.ListRobotsAsync(default));
    }

    [Fact]
    public async Task An_offline_token_refreshes_access_until_the_user_is_removed()
    {
        using var first = await _auth.SendAsync(HttpMethod.Get, "/auth/token?offline_token=true&client_id=docker&scope=repository:team/model:pull",
            AuthFixture.Basic("reader", AuthFixture.Password));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var refresh = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["refresh_token"]!.GetValue<string>();
        Assert.StartsWith("wharf_rf_", refresh);

        using var refreshed = await PostAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh, ["client_id"] = "docker", ["scope"] = "repository:team/model:pull,push" });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var body = JsonNode.Parse(await refreshed.Content.ReadAsStringAsync())!;
        Assert.Equal("repository:team/model:pull", body["scope"]!.GetValue<string>()); // what a reader holds, no more
        Assert.Equal(refresh, body["refresh_token"]!.GetValue<string>());

        await _auth.Store.RemoveUserAsync("reader", default);
        using var gone = await PostAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (await ErrorOf(gone)).StatusAndCode);
    }

    [Fact]
    public async Task Expired_and_revoked_robots_cannot_log_in_and_names_must_match_the_secret()
    {
        var expired = await _auth.AddRobotAsync("old", "team:pull", DateTimeOffset.UtcNow.AddMinutes(-1));
        var revoked = await _auth.AddRobotAsync("gone", "team:pull");
        var good = await _auth.AddRobotAsync("good", "team:pull");
        await _auth.Store.RevokeRobotAsync("gone", DateTimeOffset.UtcNow, default);
        foreach (var (name, secret) in new[] { ("old", expired), ("gone", revoked), ("other", good) })
        {
            using var response = await _auth.GetTokenAsync(AuthFixture.Basic(name, secret), "repository:team/model:pull");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using var ok = await _auth.GetTokenAsync(AuthFixture.Basic("good", good), "repository:team/model:pull");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Anyone_pulls_from_a_public_namespace_and_nobody_else_pushes_there()
    {
        await _auth.Store.CreateNamespaceAsync(new NamespaceRecord("pub", true, DateTimeOffset.UtcNow), default);
        var admin = AuthFixture.Bearer(await _auth.TokenAsync(AuthFixture.Basic("admin", AuthFixture.Password), "repository:pub/model:pull,push"));
        await _auth.PushManifestAsync(admin, "pub/model", "v1", await _auth.ManifestAsync(admin, "pub/model"));

        using var anonymous = await _auth.SendAsync(HttpMethod.Get, "/v2/pub/model/manifests/v1", null);
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        var token = await _auth.TokenAsync(null, "repository:pub/model:pull,push");
        using var push = await _auth.SendAsync(HttpMethod.Post, "/v2/pub/model/blobs/uploads/", AuthFixture.Bearer(token));
        Assert.Equal(HttpStatusCode.Forbidden, push.StatusCode);
        using var pushWithout = await _auth.SendAsync(HttpMethod.Post, "/v2/pub/model/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Unauthorized, pushWithout.StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Wharf.Core.Access;

namespace Wharf.Server.Tests.Auth;

/// <summary>/api/v1 administration: who may, what bad input gets, and that every change is audited.</summary>
public sealed class AdminApiTests : IAsyncLifetime
{
    private AuthFixture _auth = null!;
    private static readonly System.Net.Http.Headers.AuthenticationHeaderValue Admin = AuthFixture.Basic("admin", AuthFixture.Password);

    public async Task InitializeAsync() => _auth = await AuthFixture.StartAsync();

    public async Task DisposeAsync() => await _auth.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonNode? Body)> CallAsync(HttpMethod method, string path, object? body = null,
        System.Net.Http.Headers.AuthenticationHeaderValue? as_ = null)
    {
        using var response = await _auth.SendAsync(method, path, as_ ?? Admin, body is null ? null : JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task Only_administrators_manage_users_and_tokens()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(HttpMethod.Get, "/api/v1/users", as_: AuthFixture.Basic("writer", AuthFixture.Password))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _auth.SendAsync(HttpMethod.Get, "/api/v1/audit", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Get, "/api/v1/users")).Status);
    }

    [Fact]
    public async Task Users_are_added_changed_and_removed_with_clear_errors()
    {
        Assert.Equal(HttpStatusCode.Created, (await CallAsync(HttpMethod.Post, "/api/v1/users", new { name = "dave", password = "dave-password" })).Status);
        var (status, body) = await CallAsync(HttpMethod.Post, "/api/v1/users", new { name = "dave", password = "dave-password" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("already exists", body!["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(HttpMethod.Post, "/api/v1/users", new { name = "Dave!", password = "dave-password" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(HttpMethod.Post, "/api/v1/users", new { name = "erin", password = "short" })).Status);
        Assert.Null(await _auth.Store.GetUserAsync("erin", default));
        using (var notJson = await _auth.SendAsync(HttpMethod.Post, "/api/v1/users", Admin, new StringContent("name=x")))
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Put, "/api/v1/users/dave/password", new { password = "dave-new-password" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await _auth.GetTokenAsync(AuthFixture.Basic("dave", "dave-new-password"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _auth.GetTokenAsync(AuthFixture.Basic("dave", "dave-password"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(HttpMethod.Put, "/api/v1/users/nobody/password", new { password = "whatever-long" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Delete, "/api/v1/users/dave")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(HttpMethod.Delete, "/api/v1/users/dave")).Status);
    }

    [Fact]
    public async Task A_robot_secret_is_shown_once_works_and_stops_when_revoked()
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/api/v1/tokens", new { name = "ci", grants = new[] { "team:pull,push" }, expires_in_days = 7 });
        Assert.Equal(HttpStatusCode.Created, status);
        var secret = body!["secret"]!.GetValue<string>();
        Assert.StartsWith("wharf_rt_", secret);
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(HttpMethod.Post, "/api/v1/tokens", new { name = "bad", grants = new[] { "team:admin" } })).Status);

        var (_, list) = await CallAsync(HttpMethod.Get, "/api/v1/tokens");
        Assert.DoesNotContain(secret, list!.ToJsonString());
        Assert.Equal("team:pull,push", list["tokens"]![0]!["grants"]![0]!.GetValue<string>());

        using (var ok = await _auth.SendAsync(HttpMethod.Get, "/v2/team/model/tags/list", AuthFixture.Basic("ci", secret)))
            Assert.Equal(HttpStatusCode.NotFound, ok.StatusCode); // allowed, nothing pushed yet
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Delete, "/api/v1/tokens/ci")).Status);
        using var revoked = await _auth.SendAsync(HttpMethod.Get, "/v2/team/model/tags/list", AuthFixture.Basic("ci", secret));
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task Namespace_admins_manage_their_own_namespace_only()
    {
        await _auth.Store.SetMemberAsync(new Membership("team", "maintainer", Role.Admin), default);
        var teamAdmin = AuthFixture.Basic("maintainer", AuthFixture.Password);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Put, "/api/v1/namespaces/team/members/writer", new { role = "maintainer" }, teamAdmin)).Status);
        Assert.Equal(Role.Maintainer, (await _auth.Store.ListMembershipsAsync("writer", default)).Single().Role);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(HttpMethod.Put, "/api/v1/namespaces/lab/members/writer", new { role = "reader" }, teamAdmin)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(HttpMethod.Put, "/api/v1/namespaces/team/members/writer", new { role = "owner" }, teamAdmin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(HttpMethod.Put, "/api/v1/namespaces/team/members/nobody", new { role = "reader" }, teamAdmin)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Patch, "/api/v1/namespaces/team", new { @public = true }, teamAdmin)).Status);
        Assert.True((await _auth.Store.GetNamespaceAsync("team", default))!.IsPublic);
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(HttpMethod.Patch, "/api/v1/namespaces/team", new { @public = "yes" }, teamAdmin)).Status);
        Assert.Equal(HttpStatusCode.Created, (await CallAsync(HttpMethod.Post, "/api/v1/namespaces", new { name = "newns" })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await CallAsync(HttpMethod.Post, "/api/v1/namespaces", new { name = "newns" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(HttpMethod.Post, "/api/v1/namespaces", new { name = "a/b" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(HttpMethod.Delete, "/api/v1/namespaces/team/members/reader", as_: teamAdmin)).Status);
        var (_, members) = await CallAsync(HttpMethod.Get, "/api/v1/namespaces/team/members", as_: teamAdmin);
        Assert.DoesNotContain("\"reader\"", members!.ToJsonString().Replace("\"role\":\"reader\"", ""));
    }

    [Fact]
    public async Task The_audit_log_shows_permission_changes_and_pages_newest_first()
    {
        for (int i = 0; i < 3; i++) await CallAsync(HttpMethod.Post, "/api/v1/namespaces", new { name = $"ns{i}" });
        var (status, page) = await CallAsync(HttpMethod.Get, "/api/v1/audit?limit=2");
        Assert.Equal(HttpStatusCode.OK, status);
        var entries = page!["entries"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal("ns2", entries[0]!["repository"]!.GetValue<string>());
        Assert.Equal("user:admin", entries[0]!["subject"]!.GetValue<string>());
        Assert.Equal("permission", entries[0]!["action"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", entries[0]!["address"]!.GetValue<string>());
        var next = page["next"]!.GetValue<long>();
        var (_, second) = await CallAsync(HttpMethod.Get, $"/api/v1/audit?limit=2&before={next}");
        Assert.Equal("ns0", second!["entries"]![0]!["repository"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(HttpMethod.Get, "/api/v1/audit?limit=-1")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(HttpMethod.Get, "/api/v1/audit?before=x")).Status);
    }
}

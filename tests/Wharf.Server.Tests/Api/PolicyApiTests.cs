using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Wharf.Core;
using Wharf.Server.Tests.Http;

namespace Wharf.Server.Tests.Api;

/// <summary>The policy part of /api/v1 against the real host in process: policies, promote, promotions, retention.</summary>
public sealed class PolicyApiTests : IAsyncLifetime
{
    private const string Repo = "team/model";
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    private HttpClient Client => _registry.Client;

    public async Task InitializeAsync() => _registry = await TestRegistry.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    private static StringContent Json(string json) => new(json, new MediaTypeHeaderValue("application/json"));

    private async Task<HttpResponseMessage> PutPolicyAsync(string path, string json) => await Client.PutAsync($"/api/v1/{path}/policy", Json(json));

    private async Task<JsonNode> OkJsonAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task<(HttpStatusCode Status, string Code, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![0]!;
        return (response.StatusCode, error["code"]!.GetValue<string>(), error["message"]!.GetValue<string>());
    }

    /// <summary>Pushes an image whose layer holds <paramref name="seed"/> and returns the manifest PUT's answer.</summary>
    private async Task<HttpResponseMessage> PushAsync(string tag, string seed, string repo = Repo)
    {
        byte[] config = "{}"u8.ToArray(), layer = Encoding.UTF8.GetBytes(seed);
        foreach (var blob in new[] { config, layer })
        {
            using var put = await _registry.PutBlobAsync(repo, Digest.Compute(blob).ToString(), blob);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        var manifest = $$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",
             "config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{Digest.Compute(config)}}","size":2},
             "layers":[{"mediaType":"{{MediaTypes.OciLayerTar}}","digest":"{{Digest.Compute(layer)}}","size":{{layer.Length}}}]}
            """;
        var content = new StringContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        return await Client.PutAsync($"/v2/{repo}/manifests/{tag}", content);
    }

    private async Task<string> PushedAsync(string tag, string seed, string repo = Repo)
    {
        using var response = await PushAsync(tag, seed, repo);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    private async Task<List<(string? Old, string? New)>> TagHistoryAsync(string tag)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_dir.Path, "wharf.db"), Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT h.old_digest, h.new_digest FROM tag_history h JOIN repositories r ON r.id = h.repository_id WHERE r.name = $r AND h.tag = $t ORDER BY h.id;";
        command.Parameters.AddWithValue("$r", Repo);
        command.Parameters.AddWithValue("$t", tag);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string?, string?)>();
        while (await reader.ReadAsync()) rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        return rows;
    }

    [Fact]
    public async Task Policies_are_stored_read_back_and_inherited()
    {
        using var ns = await PutPolicyAsync("namespaces/team", """{"immutableTags":["v*"],"aliases":["staging","production"]}""");
        var stored = await OkJsonAsync(ns);
        Assert.Equal("namespace", stored["scope"]!.GetValue<string>());
        Assert.Null(stored["effective"]);

        using var repo = await PutPolicyAsync($"repositories/{Repo}", """{"retention":{"keepLastVersions":3}}""");
        await OkJsonAsync(repo);
        var read = await OkJsonAsync(await Client.GetAsync($"/api/v1/repositories/{Repo}/policy"));
        Assert.Equal("""{"retention":{"keepLastVersions":3,"includeNonSemver":false}}""", read["policy"]!.ToJsonString());
        Assert.Equal("""["v*"]""", read["effective"]!["immutableTags"]!.ToJsonString());
        Assert.Equal("""["staging","production"]""", read["effective"]!["aliases"]!.ToJsonString());

        var none = await OkJsonAsync(await Client.GetAsync("/api/v1/namespaces/other/policy"));
        Assert.Equal("{}", none["policy"]!.ToJsonString());
    }

    [Theory]
    [InlineData("namespaces/team", """{"immutableTags":["v*"]""", "not a versioning policy")]
    [InlineData("namespaces/team", """{"imutableTags":["v*"]}""", "imutableTags")]
    [InlineData("namespaces/team", """{"aliases":["no/slash"]}""", "not a valid tag")]
    [InlineData("namespaces/team", """{"immutableTags":["*"],"aliases":["production"]}""", "must be movable")]
    [InlineData("namespaces/Team", """{}""", "is not a namespace")]
    // A repository name is checked where every /api/v1 path is matched, with the code /v2 gives it.
    [InlineData("repositories/team/Model", """{}""", "not a valid repository name", "NAME_INVALID")]
    public async Task A_bad_policy_is_a_clear_400_and_changes_nothing(string path, string json, string reason, string error = "BAD_REQUEST")
    {
        using var good = await PutPolicyAsync("namespaces/team", """{"immutableTags":["release-*"]}""");
        await OkJsonAsync(good);

        using var bad = await PutPolicyAsync(path, json);

        var (status, code, message) = await ErrorAsync(bad);
        Assert.Equal((HttpStatusCode.BadRequest, error), (status, code));
        Assert.Contains(reason, message, StringComparison.Ordinal);
        var after = await OkJsonAsync(await Client.GetAsync("/api/v1/namespaces/team/policy"));
        Assert.Equal("""{"immutableTags":["release-*"]}""", after["policy"]!.ToJsonString());
    }

    [Fact]
    public async Task Immutable_tags_and_aliases_are_refused_on_v2_with_a_clear_message()
    {
        using (var policy = await PutPolicyAsync("namespaces/team", """{"immutableTags":["v*"],"aliases":["production"]}""")) await OkJsonAsync(policy);
        string digest = await PushedAsync("v1.0.0", "one");

        using var moved = await PushAsync("v1.0.0", "two");
        var (status, code, message) = await ErrorAsync(moved);
        Assert.Equal((HttpStatusCode.Forbidden, "DENIED"), (status, code));
        Assert.Equal($"tag v1.0.0 is immutable (namespace team, pattern 'v*') and already points at {digest}: push a new tag", message);

        using var alias = await PushAsync("production", "one");
        Assert.Equal((HttpStatusCode.Forbidden, "DENIED",
                "tag production is an alias (namespace team): it moves only by promotion, POST /api/v1/repositories/team/model/promote (wharf promote)"),
            await ErrorAsync(alias));

        using var deleteTag = await Client.DeleteAsync($"/v2/{Repo}/manifests/v1.0.0");
        var refusedDelete = await ErrorAsync(deleteTag);
        Assert.Equal((HttpStatusCode.Forbidden, "DENIED"), (refusedDelete.Status, refusedDelete.Code));
        Assert.Contains("cannot be deleted", refusedDelete.Message, StringComparison.Ordinal);
        using var deleteManifest = await Client.DeleteAsync($"/v2/{Repo}/manifests/{digest}");
        Assert.Equal(HttpStatusCode.Forbidden, deleteManifest.StatusCode);

        Assert.Equal([(null, digest)], await TagHistoryAsync("v1.0.0"));
        Assert.Empty(await TagHistoryAsync("production"));
    }

    [Fact]
    public async Task Promote_moves_the_alias_records_it_and_tag_history_has_the_move()
    {
        using (var policy = await PutPolicyAsync("namespaces/team", """{"immutableTags":["v*"],"aliases":["staging","production"]}""")) await OkJsonAsync(policy);
        string v1 = await PushedAsync("v1.0.0", "one");
        string v2 = await PushedAsync("v1.1.0", "two");

        var first = await OkJsonAsync(await Client.PostAsync($"/api/v1/repositories/{Repo}/promote",
            Json("""{"alias":"production","target":"v1.0.0","reason":"first release"}""")));
        Assert.True(first["promoted"]!.GetValue<bool>());
        Assert.Equal(v1, first["to"]!.GetValue<string>());
        var second = await OkJsonAsync(await Client.PostAsync($"/api/v1/repositories/{Repo}/promote",
            Json($$"""{"alias":"production","target":"{{v2}}","reason":"better eval"}""")));
        Assert.Equal(v1, second["promotion"]!["from"]!.GetValue<string>());
        Assert.Equal("local", second["promotion"]!["actor"]!.GetValue<string>());

        var history = await OkJsonAsync(await Client.GetAsync($"/api/v1/repositories/{Repo}/promotions?alias=production"));
        var rows = history["promotions"]!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal(("better eval", v1, v2), (rows[0]!["reason"]!.GetValue<string>(), rows[0]!["from"]!.GetValue<string>(), rows[0]!["to"]!.GetValue<string>()));
        Assert.Equal([(null, v1), (v1, v2)], await TagHistoryAsync("production"));

        using var manifest = await Client.GetAsync($"/v2/{Repo}/manifests/production");
        Assert.Equal(v2, manifest.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Theory]
    [InlineData("""{"alias":"production","target":"v1.0.0"}""", HttpStatusCode.BadRequest, "BAD_REQUEST", "needs alias, target")]
    [InlineData("""{"alias":"production","target":"v1.0.0","reason":"x","extra":1}""", HttpStatusCode.BadRequest, "BAD_REQUEST", "not a promotion request")]
    [InlineData("""not json""", HttpStatusCode.BadRequest, "BAD_REQUEST", "not a promotion request")]
    [InlineData("""{"alias":"production","target":"v1.0.0","reason":" "}""", HttpStatusCode.BadRequest, "BAD_REQUEST", "needs a reason")]
    [InlineData("""{"alias":"production","target":"v9.0.0","reason":"x"}""", HttpStatusCode.NotFound, "NOT_FOUND", "target v9.0.0 is not in repository team/model")]
    [InlineData("""{"alias":"latest","target":"v1.0.0","reason":"x"}""", HttpStatusCode.Conflict, "DENIED", "'latest' is not an alias")]
    [InlineData("""{"alias":"production","target":"latest","reason":"x"}""", HttpStatusCode.Conflict, "DENIED", "condition immutable-tag")]
    public async Task A_refused_promotion_says_why_and_changes_nothing(string body, HttpStatusCode expectedStatus, string expectedCode, string reason)
    {
        using (var policy = await PutPolicyAsync("namespaces/team", """{"immutableTags":["v*"],"aliases":["production"]}""")) await OkJsonAsync(policy);
        await PushedAsync("v1.0.0", "one");
        await PushedAsync("latest", "two");

        using var response = await Client.PostAsync($"/api/v1/repositories/{Repo}/promote", Json(body));

        var (status, code, message) = await ErrorAsync(response);
        Assert.Equal((expectedStatus, expectedCode), (status, code));
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.Empty(await TagHistoryAsync("production"));
        var history = await OkJsonAsync(await Client.GetAsync($"/api/v1/repositories/{Repo}/promotions"));
        Assert.Empty(history["promotions"]!.AsArray());
    }

    [Fact]
    public async Task Retention_dry_run_lists_exactly_what_the_real_run_deletes()
    {
        foreach (var tag in new[] { "v1.0.0", "v1.1.0", "v2.0.0", "v2.1.0", "latest" }) await PushedAsync(tag, tag);
        foreach (var tag in new[] { "v0.1.0", "v0.2.0", "v0.3.0" }) await PushedAsync(tag, tag, "team/other");
        using (var policy = await PutPolicyAsync("namespaces/team", """{"retention":{"keepLastVersions":2}}""")) await OkJsonAsync(policy);

        var dry = await OkJsonAsync(await Client.PostAsync("/api/v1/namespaces/team/retention?dryRun=true", null));
        var planned = dry["deletions"]!.AsArray();
        Assert.Equal(["v0.1.0", "v1.0.0", "v1.1.0"], planned.Select(d => d!["tags"]![0]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(planned, d => Assert.False(d!["deleted"]!.GetValue<bool>()));
        using (var stillThere = await Client.GetAsync($"/v2/{Repo}/manifests/v1.0.0")) Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);

        var real = await OkJsonAsync(await Client.PostAsync($"/api/v1/repositories/{Repo}/retention", null));
        var done = real["deletions"]!.AsArray();
        Assert.Equal(planned.Where(d => d!["repository"]!.GetValue<string>() == Repo).Select(d => d!["digest"]!.ToJsonString() + d["reason"]),
            done.Select(d => d!["digest"]!.ToJsonString() + d["reason"]));
        Assert.All(done, d => Assert.True(d!["deleted"]!.GetValue<bool>()));

        using var tags = await Client.GetAsync($"/v2/{Repo}/tags/list");
        Assert.Equal("""["latest","v2.0.0","v2.1.0"]""", JsonNode.Parse(await tags.Content.ReadAsStringAsync())!["tags"]!.ToJsonString());
        Assert.Equal([(null, (await TagHistoryAsync("v1.0.0"))[0].New), ((await TagHistoryAsync("v1.0.0"))[0].New, null)], await TagHistoryAsync("v1.0.0"));
    }

    [Theory]
    [InlineData("/api/v1/repositories/team/model/retention?dryRun=maybe", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/repositories/team/unknown/retention", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/repositories/team/model/promotions?limit=0", HttpStatusCode.BadRequest)]
    public async Task Bad_requests_are_clear_errors(string path, HttpStatusCode expected)
    {
        await PushedAsync("v1.0.0", "one");
        var request = new HttpRequestMessage(path.Contains("promotions", StringComparison.Ordinal) ? HttpMethod.Get : HttpMethod.Post, path);
        using var response = await Client.SendAsync(request);
        Assert.Equal(expected, (await ErrorAsync(response)).Status);
    }

    [Fact]
    public async Task Other_repository_paths_are_left_to_other_modules()
    {
        using var other = await Client.GetAsync($"/api/v1/repositories/{Repo}/tags");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        using var wrongMethod = await Client.DeleteAsync($"/api/v1/repositories/{Repo}/policy");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }
}

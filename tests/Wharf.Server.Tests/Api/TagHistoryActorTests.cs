using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Core;
using Wharf.Server.Tests.Auth;
using Wharf.Server.Tests.Http;

namespace Wharf.Server.Tests.Api;

/// <summary>
/// The tag history endpoint names who made each move, as the audit log names them: the /v2 manifest PUT and
/// DELETE and the promote endpoint pass the caller down to the store's history row.
/// </summary>
public sealed class TagHistoryActorTests
{
    private const string Repo = "team/model";

    private static StringContent Json(string json) => new(json, new MediaTypeHeaderValue("application/json"));

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>The history's moves, newest first, as (tag, old, new, actor).</summary>
    private static async Task<List<(string Tag, string? Old, string? New, string? Actor)>> MovesAsync(HttpResponseMessage response) =>
        (await OkJsonAsync(response))["moves"]!.AsArray().Select(m => (m!["tag"]!.GetValue<string>(), m["oldDigest"]?.GetValue<string>(),
            m["newDigest"]?.GetValue<string>(), m["actor"]?.GetValue<string>())).ToList();

    [Fact]
    public async Task History_names_the_user_or_robot_that_moved_deleted_or_promoted_each_tag()
    {
        await using var auth = await AuthFixture.StartAsync();
        var writer = AuthFixture.Basic("writer", AuthFixture.Password);
        var maintainer = AuthFixture.Basic("maintainer", AuthFixture.Password);
        var admin = AuthFixture.Basic("admin", AuthFixture.Password);
        var ci = AuthFixture.Basic("ci", await auth.AddRobotAsync("ci", "team:pull,push"));

        string v1 = await auth.PushManifestAsync(writer, Repo, "latest", await auth.ManifestAsync(writer, Repo, "one"));
        string v2 = await auth.PushManifestAsync(ci, Repo, "latest", await auth.ManifestAsync(ci, Repo, "two"));
        using (var deleted = await auth.SendAsync(HttpMethod.Delete, $"/v2/{Repo}/manifests/latest", maintainer))
            Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        using (var policy = await auth.SendAsync(HttpMethod.Put, "/api/v1/namespaces/team/policy", admin,
            Json("""{"immutableTags":[],"aliases":["production"],"promotion":{"require":[]}}""")))
            await OkJsonAsync(policy);
        using (var promoted = await auth.SendAsync(HttpMethod.Post, $"/api/v1/repositories/{Repo}/promote", maintainer,
            Json($$"""{"alias":"production","target":"{{v2}}","reason":"release"}""")))
        {
            var body = await OkJsonAsync(promoted);
            Assert.Equal("maintainer", body["promotion"]!["actor"]!.GetValue<string>()); // the promotion record keeps the plain name
        }

        var reader = AuthFixture.Basic("reader", AuthFixture.Password);
        Assert.Equal(
            [("production", null, v2, "user:maintainer"), ("latest", v2, null, "user:maintainer"), ("latest", v1, v2, "robot:ci"), ("latest", null, v1, "user:writer")],
            await MovesAsync(await auth.SendAsync(HttpMethod.Get, $"/api/v1/repositories/{Repo}/history", reader)));
    }

    [Fact]
    public async Task A_refused_push_adds_no_move_to_the_history()
    {
        await using var auth = await AuthFixture.StartAsync();
        var writer = AuthFixture.Basic("writer", AuthFixture.Password);
        var reader = AuthFixture.Basic("reader", AuthFixture.Password);
        string v1 = await auth.PushManifestAsync(writer, Repo, "latest", await auth.ManifestAsync(writer, Repo, "one"));
        using (var refused = await auth.SendAsync(HttpMethod.Put, $"/v2/{Repo}/manifests/latest", reader,
            AuthFixture.ManifestContent(Encoding.UTF8.GetBytes("{}"))))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using (var refusedDelete = await auth.SendAsync(HttpMethod.Delete, $"/v2/{Repo}/manifests/latest", writer))
            Assert.Equal(HttpStatusCode.Forbidden, refusedDelete.StatusCode);
        Assert.Equal([("latest", null, v1, "user:writer")],
            await MovesAsync(await auth.SendAsync(HttpMethod.Get, $"/api/v1/repositories/{Repo}/history", reader)));
    }

    [Fact]
    public async Task On_an_open_registry_the_mover_is_anonymous()
    {
        using var dir = new TempDirectory();
        await using var registry = await TestRegistry.StartAsync(dir.Path);
        byte[] config = "{}"u8.ToArray(), layer = "weights"u8.ToArray();
        foreach (var blob in new[] { config, layer })
        {
            using var put = await registry.PutBlobAsync(Repo, Digest.Compute(blob).ToString(), blob);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",
             "config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{Digest.Compute(config)}}","size":2},
             "layers":[{"mediaType":"{{MediaTypes.OciLayerTar}}","digest":"{{Digest.Compute(layer)}}","size":{{layer.Length}}}]}
            """);
        using (var pushed = await registry.Client.PutAsync($"/v2/{Repo}/manifests/v1", AuthFixture.ManifestContent(manifest)))
            Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        Assert.Equal([("v1", null, Digest.Compute(manifest).ToString(), "anonymous")],
            await MovesAsync(await registry.Client.GetAsync($"/api/v1/repositories/{Repo}/history")));
    }
}

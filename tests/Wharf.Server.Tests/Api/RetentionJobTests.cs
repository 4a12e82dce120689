using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Core;
using Wharf.Server.Tests.Http;

namespace Wharf.Server.Tests.Api;

/// <summary>The retention job in the real host: it applies the rules on its own, every Retention:Interval.</summary>
public sealed class RetentionJobTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    public async Task InitializeAsync() =>
        _registry = await TestRegistry.StartAsync(_dir.Path, new Dictionary<string, string?> { ["Retention:Interval"] = "00:00:00.300" });

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_job_deletes_versions_beyond_the_newest_n()
    {
        var client = _registry.Client;
        byte[] config = "{}"u8.ToArray();
        using (var put = await _registry.PutBlobAsync("team/job", Digest.Compute(config).ToString(), config)) Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        foreach (var tag in new[] { "v1.0.0", "v2.0.0", "v3.0.0" })
        {
            byte[] layer = Encoding.UTF8.GetBytes(tag);
            using (var blob = await _registry.PutBlobAsync("team/job", Digest.Compute(layer).ToString(), layer)) Assert.Equal(HttpStatusCode.Created, blob.StatusCode);
            var content = new StringContent($$"""
                {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",
                 "config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{Digest.Compute(config)}}","size":2},
                 "layers":[{"mediaType":"{{MediaTypes.OciLayerTar}}","digest":"{{Digest.Compute(layer)}}","size":{{layer.Length}}}]}
                """);
            content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
            using var manifest = await client.PutAsync($"/v2/team/job/manifests/{tag}", content);
            Assert.Equal(HttpStatusCode.Created, manifest.StatusCode);
        }

        using (var policy = await client.PutAsync("/api/v1/repositories/team/job/policy",
                   new StringContent("""{"retention":{"keepLastVersions":1}}""", new MediaTypeHeaderValue("application/json"))))
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);

        string tags = "";
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(20); await Task.Delay(100))
        {
            using var list = await client.GetAsync("/v2/team/job/tags/list");
            tags = JsonNode.Parse(await list.Content.ReadAsStringAsync())!["tags"]!.ToJsonString();
            if (tags == """["v3.0.0"]""") break;
        }
        Assert.Equal("""["v3.0.0"]""", tags);

        // Tag history names the job as the remover, and the anonymous pusher (an open registry) as the creator.
        var history = JsonNode.Parse(await client.GetStringAsync("/api/v1/repositories/team/job/history?tag=v1.0.0"))!["moves"]!.AsArray();
        Assert.Equal(["retention", "anonymous"], history.Select(m => m!["actor"]!.GetValue<string>()));
    }
}

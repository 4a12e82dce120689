using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Core;
using Wharf.Server.Policy;
using Wharf.Server.Tests.Http;

namespace Wharf.Server.Tests.Policy;

/// <summary>The retention job deletes only while its replica holds the job lease in the shared metadata store.</summary>
public sealed class RetentionLeaseTests : IAsyncLifetime
{
    private const string Repo = "team/leased";
    private readonly TempDirectory _dir = new();
    private Wharf.Metadata.Sql.SqlDatabase _otherDatabase = null!;
    private Wharf.Metadata.Sql.SqlMetadataStore _otherReplica = null!;
    private TestRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        // Another replica on the same database took the lease first, and keeps it for an hour.
        _otherReplica = new Wharf.Metadata.Sql.SqlMetadataStore(_otherDatabase = Wharf.Metadata.Sqlite.SqliteMetadata.Open(Path.Combine(_dir.Path, "wharf.db")));
        await _otherReplica.MigrateAsync(CancellationToken.None);
        Assert.True(await _otherReplica.TryAcquireAsync(RetentionJob.LeaseName, "other-replica", TimeSpan.FromHours(1), CancellationToken.None));
        _registry = await TestRegistry.StartAsync(_dir.Path, new Dictionary<string, string?> { ["Retention:Interval"] = "00:00:00.100" });
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _otherDatabase.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Versions_stay_while_another_replica_holds_the_lease_and_go_once_it_lets_go()
    {
        await PushVersionsAsync("v1.0.0", "v2.0.0", "v3.0.0");
        using (var policy = await _registry.Client.PutAsync($"/api/v1/repositories/{Repo}/policy",
                   new StringContent("""{"retention":{"keepLastVersions":1}}""", new MediaTypeHeaderValue("application/json"))))
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // some fifteen passes of this replica's job, each without the lease
        Assert.Equal("""["v1.0.0","v2.0.0","v3.0.0"]""", await TagsAsync());

        await _otherReplica.ReleaseAsync(RetentionJob.LeaseName, "other-replica", CancellationToken.None);
        string tags = "";
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(20); await Task.Delay(100))
            if ((tags = await TagsAsync()) == """["v3.0.0"]""") break;
        Assert.Equal("""["v3.0.0"]""", tags);
    }

    private async Task<string> TagsAsync()
    {
        using var list = await _registry.Client.GetAsync($"/v2/{Repo}/tags/list");
        return JsonNode.Parse(await list.Content.ReadAsStringAsync())!["tags"]!.ToJsonString();
    }

    private async Task PushVersionsAsync(params string[] tags)
    {
        byte[] config = "{}"u8.ToArray();
        using (var put = await _registry.PutBlobAsync(Repo, Digest.Compute(config).ToString(), config)) Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        foreach (var tag in tags)
        {
            byte[] layer = Encoding.UTF8.GetBytes(tag);
            using (var blob = await _registry.PutBlobAsync(Repo, Digest.Compute(layer).ToString(), layer)) Assert.Equal(HttpStatusCode.Created, blob.StatusCode);
            var content = new StringContent($$"""
                {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",
                 "config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{Digest.Compute(config)}}","size":2},
                 "layers":[{"mediaType":"{{MediaTypes.OciLayerTar}}","digest":"{{Digest.Compute(layer)}}","size":{{layer.Length}}}]}
                """);
            content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
            using var manifest = await _registry.Client.PutAsync($"/v2/{Repo}/manifests/{tag}", content);
            Assert.Equal(HttpStatusCode.Created, manifest.StatusCode);
        }
    }
}

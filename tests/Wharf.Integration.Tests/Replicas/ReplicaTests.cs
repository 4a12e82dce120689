using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Replicas;

/// <summary>
/// Two <c>wharf serve</c> processes on one PostgreSQL database and one blob directory, as replicas behind a load
/// balancer: any of them serves any request, and background work is done once.
/// </summary>
public sealed partial class ReplicaTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _blobs = new("wharf-shared-blobs");
    private readonly List<WharfProcess> _replicas = [];
    private string? _database;

    public async Task InitializeAsync()
    {
        if (Prerequisites.Missing([Prerequisites.Postgres]).Count == 0) _database = await TestMetadata.CreateDatabaseAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            ServerLog.Write(output, replica);
            await replica.DisposeAsync();
        }
        if (_database is not null) await TestMetadata.DropDatabaseAsync(_database);
        _blobs.Dispose();
    }

    private async Task<(WharfProcess Server, RegistryClient Client)> StartReplicaAsync(Dictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(settings ?? [])
        {
            ["WHARF__STORAGE__PATH"] = _blobs.Path,
            ["WHARF__METADATA__KIND"] = "postgres",
            ["WHARF__METADATA__CONNECTIONSTRING"] = _database!,
        };
        var server = await WharfProcess.StartAsync(new WharfOptions { Environment = environment });
        _replicas.Add(server);
        return (server, new RegistryClient(server.CreateClient()));
    }

    [ToolFact(Prerequisites.Postgres)]
    public async Task A_chunked_upload_and_a_push_hop_between_replicas()
    {
        Prerequisites.Require(Prerequisites.Postgres);
        var (_, a) = await StartReplicaAsync();
        var (_, b) = await StartReplicaAsync();
        string repo = "team/replicated";
        byte[] data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        string digest = Digests.Sha256(data);

        // Each request of one session lands on the other replica than the one before.
        var session = await a.StartUploadAsync(repo);
        var clients = new[] { b, a, b };
        int chunk = 1024 * 1024 + 5, offset = 0;
        for (int i = 0; offset < data.Length; i++)
        {
            int length = Math.Min(chunk, data.Length - offset);
            var content = RegistryClient.Octets(data, offset, length);
            content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
            using var patch = await clients[i % clients.Length].SendAsync(HttpMethod.Patch, session.PathAndQuery, content);
            await OciAssert.Status(patch, HttpStatusCode.Accepted);
            offset += length;
            Assert.Equal(offset - 1, OciAssert.RangeEnd(patch));
            session = new Uri(a.BaseAddress, a.Location(patch).PathAndQuery);
        }
        using (var status = await b.GetAsync(session.PathAndQuery))
        {
            await OciAssert.Status(status, HttpStatusCode.NoContent);
            Assert.Equal(data.Length - 1, OciAssert.RangeEnd(status));
        }
        var empty = new ByteArrayContent([]);
        empty.Headers.ContentType = new MediaTypeHeaderValue(MediaType.OctetStream);
        using (var put = await a.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(session, "digest", digest), empty))
            await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(data, await b.GetBlobAsync(repo, digest));

        // A push on one replica is the truth on the other at once: tags, manifests, deletes.
        var image = Images.Random();
        await a.PushImageAsync(repo, image, "v1");
        await b.VerifyImageAsync(repo, image, "v1");
        Assert.Equal(["v1"], await b.TagsAsync(repo));
        Assert.Contains(repo, await b.CatalogAsync());
        using (var delete = await b.DeleteAsync($"/v2/{repo}/manifests/{image.Digest}"))
            await OciAssert.Status(delete, HttpStatusCode.Accepted);
        Assert.Equal(HttpStatusCode.NotFound, await a.ManifestStatusAsync(repo, "v1"));
    }

    [ToolFact(Prerequisites.Postgres)]
    public async Task Idle_sessions_are_expired_once_by_one_replica()
    {
        Prerequisites.Require(Prerequisites.Postgres);
        var settings = new Dictionary<string, string>
        {
            ["WHARF__UPLOADS__IDLETIMEOUT"] = "00:00:01",
            ["WHARF__UPLOADS__EXPIRYINTERVAL"] = "00:00:00.2",
        };
        var replicas = new[] { await StartReplicaAsync(settings), await StartReplicaAsync(settings), await StartReplicaAsync(settings) };
        var sessions = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            var client = replicas[i % replicas.Length].Client;
            var session = await client.StartUploadAsync($"team/expiring{i}");
            using var patch = await client.SendAsync(HttpMethod.Patch, session.PathAndQuery, RegistryClient.Octets(RandomNumberGenerator.GetBytes(512)));
            await OciAssert.Status(patch, HttpStatusCode.Accepted);
            sessions.Add(session.PathAndQuery);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (string session in sessions)
        {
            HttpStatusCode status;
            while ((status = await StatusAsync(replicas[0].Client, session)) == HttpStatusCode.NoContent && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            Assert.Equal(HttpStatusCode.NotFound, status);
        }

        // Every session was expired exactly once, and by the one replica holding the upload-expiry lease.
        var expiredBy = replicas.Select(r => ExpiredLine().Matches(r.Server.Log).Select(m => m.Groups[1].Value).ToList()).ToList();
        var all = expiredBy.SelectMany(ids => ids).ToList();
        Assert.Equal(sessions.Count, all.Count);
        Assert.Equal(sessions.Count, all.Distinct().Count());
        Assert.Single(expiredBy, ids => ids.Count > 0);
    }

    private static async Task<HttpStatusCode> StatusAsync(RegistryClient client, string session)
    {
        using var response = await client.GetAsync(session);
        return response.StatusCode;
    }

    [GeneratedRegex("expired upload session (\\S+) of ")]
    private static partial Regex ExpiredLine();
}

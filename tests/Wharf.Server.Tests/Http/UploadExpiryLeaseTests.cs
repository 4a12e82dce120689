using System.Net;
using System.Security.Cryptography;
using Wharf.Metadata.Sql;
using Wharf.Metadata.Sqlite;
using Wharf.Server.Jobs;

namespace Wharf.Server.Tests.Http;

/// <summary>Upload expiry sweeps only while its replica holds the job lease in the shared metadata store.</summary>
public sealed class UploadExpiryLeaseTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private SqlDatabase _otherDatabase = null!;
    private SqlMetadataStore _otherReplica = null!;
    private TestRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        // Another replica on the same database took the lease first, and keeps it for an hour.
        _otherReplica = new SqlMetadataStore(_otherDatabase = SqliteMetadata.Open(Path.Combine(_dir.Path, "wharf.db")));
        await _otherReplica.MigrateAsync(CancellationToken.None);
        Assert.True(await _otherReplica.TryAcquireAsync(UploadExpiryJob.LeaseName, "other-replica", TimeSpan.FromHours(1), CancellationToken.None));
        _registry = await TestRegistry.StartAsync(_dir.Path, new Dictionary<string, string?>
        {
            ["Uploads:IdleTimeout"] = "00:00:01",
            ["Uploads:ExpiryInterval"] = "00:00:00.1",
        });
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _otherDatabase.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Idle_sessions_wait_while_another_replica_holds_the_lease_and_expire_once_it_lets_go()
    {
        var upload = await _registry.StartUploadAsync("team/model");
        using (var patch = await _registry.PatchAsync(upload, RandomNumberGenerator.GetBytes(1024), start: 0))
            Assert.Equal("0-1023", patch.Header("Range"));

        await Task.Delay(TimeSpan.FromSeconds(2.5)); // idle past its timeout, through some twenty sweep intervals
        using (var waiting = await _registry.Client.GetAsync(upload))
            Assert.Equal(HttpStatusCode.NoContent, waiting.StatusCode);

        await _otherReplica.ReleaseAsync(UploadExpiryJob.LeaseName, "other-replica", CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage status;
        while ((status = await _registry.Client.GetAsync(upload)).StatusCode == HttpStatusCode.NoContent && DateTime.UtcNow < deadline)
        {
            status.Dispose();
            await Task.Delay(50);
        }
        using (status) Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.False(File.Exists(Path.Combine(_registry.UploadsDirectory, TestRegistry.UploadId(upload))));
    }
}

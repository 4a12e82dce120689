using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Metadata.Sql;
using Wharf.Metadata.Sqlite;
using Wharf.Ml;
using Wharf.Server.Models;
using Wharf.Storage.FileSystem;

namespace Wharf.Server.Tests.Models;

/// <summary>
/// The index job on real stores, with the blob store made to fail on reads (a storage outage): the push is never
/// touched, failures are retried with backoff, and the last failure is recorded as a failed version.
/// </summary>
public sealed class ModelIndexJobTests : IAsyncLifetime
{
    private static CancellationToken Ct => CancellationToken.None;
    private readonly TempDirectory _dir = new();
    private SqlDatabase _database = null!;
    private SqlMetadataStore _metadata = null!;
    private SqlModelCatalogStore _catalog = null!;
    private FileSystemBlobStore _blobs = null!;

    public async Task InitializeAsync()
    {
        string db = Path.Combine(_dir.Path, "wharf.db");
        _metadata = new SqlMetadataStore(_database = SqliteMetadata.Open(db));
        await _metadata.MigrateAsync(Ct);
        _catalog = new SqlModelCatalogStore(_database);
        _blobs = new FileSystemBlobStore(Path.Combine(_dir.Path, "blobs"));
    }

    public Task DisposeAsync()
    {
        _database.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private async Task<Digest> PushBlobAsync(string repository, byte[] data)
    {
        var digest = Digest.Compute(data);
        string id = Guid.NewGuid().ToString("N");
        await _blobs.CreateUploadAsync(id, Ct);
        await _blobs.AppendUploadAsync(id, 0, new MemoryStream(data), null, Ct);
        await _blobs.CommitUploadAsync(id, digest, Ct);
        await _metadata.LinkBlobAsync(repository, digest, data.Length, Ct);
        return digest;
    }

    /// <summary>A ModelPack with one safetensors weight layer (2 x 3 F32 = 6 parameters).</summary>
    private async Task<Digest> PushModelAsync(string repository)
    {
        string header = """{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}""";
        var weights = new byte[8 + header.Length + 24];
        BitConverter.TryWriteBytes(weights.AsSpan(0, 8), (ulong)header.Length);
        Encoding.UTF8.GetBytes(header).CopyTo(weights, 8);
        var layer = await PushBlobAsync(repository, weights);
        var config = await PushBlobAsync(repository, "{}"u8.ToArray());
        var json = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.cncf.model.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{{config}}}","size":2},
             "layers":[{"mediaType":"application/vnd.cncf.model.weight.v1.raw","digest":"{{{layer}}}","size":{{{weights.Length}}},"annotations":{"org.cncf.model.filepath":"w.safetensors"}}]}
            """;
        var content = Encoding.UTF8.GetBytes(json);
        var manifest = new ManifestRecord(Digest.Compute(content), MediaTypes.OciManifest, content, "application/vnd.cncf.model.manifest.v1+json", null, null, DateTimeOffset.UtcNow);
        var put = await _metadata.PutManifestAsync(new ManifestPut(repository, manifest, "v1", [config, layer], []), Ct);
        Assert.Equal(ManifestPutOutcome.Stored, put.Outcome);
        return manifest.Digest;
    }

    private ModelIndexJob Job(IBlobStore blobs, int maxAttempts) => new(_catalog, _metadata, new ModelIndexer(blobs, _metadata),
        new ModelIndexOptions { RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(4), MaxAttempts = maxAttempts },
        TimeProvider.System, NullLogger<ModelIndexJob>.Instance);

    /// <summary>Runs the job until the queue has nothing due (retries are a few milliseconds apart).</summary>
    private static async Task DrainAsync(ModelIndexJob job)
    {
        for (int idle = 0; idle < 20;)
        {
            if (await job.RunOnceAsync(Ct) == 0) { idle++; await Task.Delay(10); }
            else idle = 0;
        }
    }

    [Fact]
    public async Task A_storage_outage_is_retried_and_the_version_indexed_when_it_ends()
    {
        var digest = await PushModelAsync("team/flaky");
        var blobs = new FailingBlobStore(_blobs, failures: 2);
        var job = Job(blobs, maxAttempts: 5);

        Assert.Equal(1, await job.RunOnceAsync(Ct));
        var queued = await _catalog.GetQueuedAsync("team/flaky", digest, Ct);
        Assert.NotNull(queued);
        Assert.Equal((1, "blob store unavailable"), (queued.Attempts, queued.LastError));
        Assert.Null(await _catalog.GetVersionAsync("team/flaky", digest, Ct));

        await DrainAsync(job);
        var version = await _catalog.GetVersionAsync("team/flaky", digest, Ct);
        Assert.NotNull(version);
        Assert.Equal(("modelpack", "indexed", 6L), (version.Kind, version.Status, version.ParameterCount));
        Assert.Null(await _catalog.GetQueuedAsync("team/flaky", digest, Ct));
        Assert.Equal(3, blobs.Opens);
    }

    [Fact]
    public async Task A_lasting_outage_is_recorded_as_failed_and_the_push_stays()
    {
        var digest = await PushModelAsync("team/down");
        var job = Job(new FailingBlobStore(_blobs, failures: int.MaxValue), maxAttempts: 3);
        await DrainAsync(job);

        var version = await _catalog.GetVersionAsync("team/down", digest, Ct);
        Assert.NotNull(version);
        Assert.Equal(("modelpack", "failed", "blob store unavailable"), (version.Kind, version.Status, version.Error));
        Assert.Null(await _catalog.GetQueuedAsync("team/down", digest, Ct));
        Assert.Equal(digest, await _metadata.ResolveTagAsync("team/down", "v1", Ct));

        // Asking again (e.g. after the outage) indexes it properly.
        await _catalog.EnqueueAsync("team/down", digest, Ct);
        await DrainAsync(Job(_blobs, maxAttempts: 3));
        Assert.Equal("indexed", (await _catalog.GetVersionAsync("team/down", digest, Ct))!.Status);
    }

    [Fact]
    public async Task A_manifest_deleted_before_its_turn_leaves_nothing_behind()
    {
        var digest = await PushModelAsync("team/gone");
        Assert.Equal(DeleteOutcome.Deleted, await _metadata.DeleteManifestAsync("team/gone", digest, null, Ct));
        await DrainAsync(Job(_blobs, maxAttempts: 3));
        Assert.Null(await _catalog.GetVersionAsync("team/gone", digest, Ct));
        Assert.Empty(await _catalog.SearchAsync(new ModelQuery { Repository = "team/gone" }, Ct));
    }

    /// <summary>Fault injection over the real store: the first <c>failures</c> reads throw, as an unreachable store would.</summary>
    private sealed class FailingBlobStore(IBlobStore inner, int failures) : IBlobStore
    {
        public int Opens { get; private set; }

        public Task<BlobContent?> OpenAsync(Digest digest, CancellationToken ct) =>
            ++Opens <= failures ? throw new IOException("blob store unavailable") : inner.OpenAsync(digest, ct);

        public Task<BlobInfo?> StatAsync(Digest digest, CancellationToken ct) => inner.StatAsync(digest, ct);
        public Task<bool> DeleteAsync(Digest digest, CancellationToken ct) => inner.DeleteAsync(digest, ct);
        public Task CreateUploadAsync(string uploadId, CancellationToken ct) => inner.CreateUploadAsync(uploadId, ct);
        public Task<long?> GetUploadSizeAsync(string uploadId, CancellationToken ct) => inner.GetUploadSizeAsync(uploadId, ct);
        public Task<long?> AppendUploadAsync(string uploadId, long offset, Stream data, Action<ReadOnlySpan<byte>>? observe, CancellationToken ct) =>
            inner.AppendUploadAsync(uploadId, offset, data, observe, ct);
        public Task<Stream?> OpenUploadAsync(string uploadId, CancellationToken ct) => inner.OpenUploadAsync(uploadId, ct);
        public Task<CommitResult> CommitUploadAsync(string uploadId, Digest digest, CancellationToken ct) => inner.CommitUploadAsync(uploadId, digest, ct);
        public Task<bool> DeleteUploadAsync(string uploadId, CancellationToken ct) => inner.DeleteUploadAsync(uploadId, ct);
    }
}

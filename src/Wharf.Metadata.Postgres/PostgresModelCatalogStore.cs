using Npgsql;
using Wharf.Core;
using Wharf.Core.Catalog;

namespace Wharf.Metadata.Postgres;

/// <summary>
/// <see cref="IModelCatalogStore"/> on the metadata store's PostgreSQL database (its migrations create these
/// tables, and a trigger on manifests fills the queue in the put's own transaction). A claim is one
/// UPDATE … RETURNING over rows picked FOR UPDATE SKIP LOCKED, so replicas claiming at once take disjoint rows
/// without waiting on each other.
/// </summary>
public sealed partial class PostgresModelCatalogStore : IModelCatalogStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    public PostgresModelCatalogStore(string connectionString, TimeProvider? timeProvider = null)
    {
        PostgresMetadataStore.CheckConnectionString(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _time = timeProvider ?? TimeProvider.System;
    }

    public async Task EnqueueAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        await db.ExecuteAsync(
            """
            INSERT INTO index_queue (repository_id, digest, due_at)
                SELECT m.repository_id, m.digest, @now FROM manifests m JOIN repositories r ON r.id = m.repository_id
                WHERE r.name = @name AND m.digest = @digest
            ON CONFLICT (repository_id, digest) DO UPDATE SET generation = index_queue.generation + 1,
                due_at = least(index_queue.due_at, excluded.due_at), attempts = 0;
            """,
            ct, ("name", repository), ("digest", digest.ToString()), ("now", _time.GetUtcNow().ToUniversalTime()));
    }

    public async Task<IReadOnlyList<IndexJob>> ClaimAsync(string worker, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        if (limit <= 0) return [];
        await using var db = await ConnectAsync(ct);
        // One statement: the picked rows stay locked until the update commits, and rows another claimer holds are skipped.
        var jobs = await db.QueryAsync(
            """
            WITH picked AS (
                SELECT id FROM index_queue
                WHERE due_at <= @now AND (claimed_by IS NULL OR claim_expires_at < @now)
                ORDER BY due_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
            UPDATE index_queue q SET claimed_by = @worker, claim_expires_at = @until, attempts = q.attempts + 1
            FROM picked, repositories r WHERE q.id = picked.id AND r.id = q.repository_id
            RETURNING q.id, r.name, q.digest, q.attempts, q.generation;
            """,
            r => new IndexJob(r.GetInt64(0), r.GetString(1), Digest.Parse(r.GetString(2)), r.GetInt32(3), r.GetInt64(4), worker),
            ct, ("worker", worker), ("until", leaseUntil.ToUniversalTime()), ("now", now.ToUniversalTime()), ("limit", limit));
        return jobs.OrderBy(j => j.Id).ToList();
    }

    public async Task<bool> CompleteAsync(IndexJob job, ModelVersionRecord? version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var db = await PostgresSession.OpenAsync(_dataSource, write: true, ct);
        // The row lock holds off a concurrent re-enqueue until this commits, so its generation bump is never lost.
        var generation = await db.ScalarAsync("SELECT generation FROM index_queue WHERE id = @id AND claimed_by = @worker FOR UPDATE;",
            ct, ("id", job.Id), ("worker", job.Worker)) as long?;
        if (generation is null) return false;
        if (version is not null) await UpsertVersionAsync(db, version, ct);
        if (generation == job.Generation)
            await db.ExecuteAsync("DELETE FROM index_queue WHERE id = @id;", ct, ("id", job.Id));
        else
            await db.ExecuteAsync("UPDATE index_queue SET claimed_by = NULL, claim_expires_at = NULL WHERE id = @id;", ct, ("id", job.Id));
        await db.CommitAsync(ct);
        return true;
    }

    public async Task RetryAsync(IndexJob job, string error, DateTimeOffset dueAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var db = await ConnectAsync(ct);
        await db.ExecuteAsync(
            "UPDATE index_queue SET claimed_by = NULL, claim_expires_at = NULL, last_error = @error, due_at = @due WHERE id = @id AND claimed_by = @worker;",
            ct, ("id", job.Id), ("worker", job.Worker), ("error", error), ("due", dueAt.ToUniversalTime()));
    }

    public async Task<QueuedIndex?> GetQueuedAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        var rows = await db.QueryAsync(
            "SELECT q.attempts, q.last_error, q.due_at FROM index_queue q JOIN repositories r ON r.id = q.repository_id WHERE r.name = @name AND q.digest = @digest;",
            r => new QueuedIndex(r.GetInt32(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetFieldValue<DateTimeOffset>(2)),
            ct, ("name", repository), ("digest", digest.ToString()));
        return rows.Count == 0 ? null : rows[0];
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    /// <summary>A connection in autocommit mode: for reads and single-statement writes.</summary>
    private Task<PostgresSession> ConnectAsync(CancellationToken ct) => PostgresSession.OpenAsync(_dataSource, write: false, ct);

    private static async Task UpsertVersionAsync(PostgresSession db, ModelVersionRecord v, CancellationToken ct)
    {
        string[]? licenses = v.Licenses.Count == 0 ? null : v.Licenses.Select(l => l.ToLowerInvariant()).ToArray();
        // Only while the manifest is still there: a version never outlives its manifest. Casts type the parameters a null leaves untyped.
        await db.ExecuteAsync(
            """
            INSERT INTO model_versions (repository_id, digest, kind, status, error, name, format, architecture, parameter_count, quantization,
                licenses, search_text, metadata_json, files_json, lineage_json, card_json, card_text, errors_json, indexed_at)
            SELECT m.repository_id, m.digest, @kind::text, @status::text, @error::text, @name::text, @format::text, @arch::text,
                @params::bigint, @quant::text, @licenses::text[], @search::text, @metadata::text, @files::text, @lineage::text,
                @card::text, @cardText::text, @errors::text, @at::timestamptz
            FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.name = @repo AND m.digest = @digest
            ON CONFLICT (repository_id, digest) DO UPDATE SET kind = excluded.kind, status = excluded.status, error = excluded.error,
                name = excluded.name, format = excluded.format, architecture = excluded.architecture, parameter_count = excluded.parameter_count,
                quantization = excluded.quantization, licenses = excluded.licenses, search_text = excluded.search_text,
                metadata_json = excluded.metadata_json, files_json = excluded.files_json, lineage_json = excluded.lineage_json,
                card_json = excluded.card_json, card_text = excluded.card_text, errors_json = excluded.errors_json, indexed_at = excluded.indexed_at;
            """,
            ct, ("repo", v.Repository), ("digest", v.Digest.ToString()), ("kind", v.Kind), ("status", v.Status), ("error", v.Error),
            ("name", v.Name), ("format", v.Format), ("arch", v.Architecture), ("params", v.ParameterCount), ("quant", v.Quantization),
            ("licenses", licenses), ("search", v.SearchText.ToLowerInvariant()), ("metadata", v.MetadataJson), ("files", v.FilesJson),
            ("lineage", v.LineageJson), ("card", v.CardJson), ("cardText", v.CardText?.ToLowerInvariant()), ("errors", v.ErrorsJson),
            ("at", v.IndexedAt.ToUniversalTime()));
    }
}

using Microsoft.Data.Sqlite;
using Wharf.Core;
using Wharf.Core.Catalog;

namespace Wharf.Metadata.Sqlite;

/// <summary>
/// <see cref="IModelCatalogStore"/> on the metadata store's SQLite file (its migrations create these tables, and a
/// trigger on manifests fills the queue). Claims use one UPDATE … RETURNING under the write lock, so two
/// processes on the same file never claim the same row.
/// </summary>
public sealed partial class SqliteModelCatalogStore : IModelCatalogStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public SqliteModelCatalogStore(string databasePath, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(databasePath),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        _time = timeProvider ?? TimeProvider.System;
    }

    public async Task EnqueueAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await SqliteSession.OpenAsync(_connectionString, write: true, ct);
        await db.ExecuteAsync(
            """
            INSERT INTO index_queue (repository_id, digest, due_at)
                SELECT m.repository_id, m.digest, $now FROM manifests m JOIN repositories r ON r.id = m.repository_id
                WHERE r.name = $name AND m.digest = $digest
            ON CONFLICT (repository_id, digest) DO UPDATE SET generation = generation + 1, due_at = min(due_at, excluded.due_at), attempts = 0;
            """,
            ct, ("$name", repository), ("$digest", digest.ToString()), ("$now", _time.GetUtcNow().ToUnixTimeMilliseconds()));
        await db.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<IndexJob>> ClaimAsync(string worker, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        if (limit <= 0) return [];
        long nowMs = now.ToUnixTimeMilliseconds();
        const string Due = "due_at <= $now AND (claimed_by IS NULL OR claim_expires_at < $now)";
        // A read first: an idle queue costs no write lock.
        await using (var peek = await SqliteSession.OpenAsync(_connectionString, write: false, ct))
        {
            if (await peek.ScalarAsync($"SELECT 1 FROM index_queue WHERE {Due} LIMIT 1;", ct, ("$now", nowMs)) is null) return [];
        }
        await using var db = await SqliteSession.OpenAsync(_connectionString, write: true, ct);
        var claimed = await db.QueryAsync(
            $"""
            UPDATE index_queue SET claimed_by = $worker, claim_expires_at = $until, attempts = attempts + 1
            WHERE id IN (SELECT id FROM index_queue WHERE {Due} ORDER BY due_at, id LIMIT $limit)
            RETURNING id, repository_id, digest, attempts, generation;
            """,
            r => (Id: r.GetInt64(0), RepositoryId: r.GetInt64(1), Digest: r.GetString(2), Attempts: r.GetInt32(3), Generation: r.GetInt64(4)),
            ct, ("$worker", worker), ("$until", leaseUntil.ToUnixTimeMilliseconds()), ("$now", nowMs), ("$limit", limit));
        var jobs = new List<IndexJob>(claimed.Count);
        foreach (var c in claimed)
        {
            var name = (string)(await db.ScalarAsync("SELECT name FROM repositories WHERE id = $id;", ct, ("$id", c.RepositoryId)))!;
            jobs.Add(new IndexJob(c.Id, name, Digest.Parse(c.Digest), c.Attempts, c.Generation, worker));
        }
        await db.CommitAsync(ct);
        return jobs.OrderBy(j => j.Id).ToList();
    }

    public async Task<bool> CompleteAsync(IndexJob job, ModelVersionRecord? version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var db = await SqliteSession.OpenAsync(_connectionString, write: true, ct);
        var generation = await db.ScalarAsync("SELECT generation FROM index_queue WHERE id = $id AND claimed_by = $worker;",
            ct, ("$id", job.Id), ("$worker", job.Worker)) as long?;
        if (generation is null) return false;
        if (version is not null) await UpsertVersionAsync(db, version, ct);
        if (generation == job.Generation)
            await db.ExecuteAsync("DELETE FROM index_queue WHERE id = $id;", ct, ("$id", job.Id));
        else
            await db.ExecuteAsync("UPDATE index_queue SET claimed_by = NULL, claim_expires_at = NULL WHERE id = $id;", ct, ("$id", job.Id));
        await db.CommitAsync(ct);
        return true;
    }

    public async Task RetryAsync(IndexJob job, string error, DateTimeOffset dueAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var db = await SqliteSession.OpenAsync(_connectionString, write: true, ct);
        await db.ExecuteAsync(
            "UPDATE index_queue SET claimed_by = NULL, claim_expires_at = NULL, last_error = $error, due_at = $due WHERE id = $id AND claimed_by = $worker;",
            ct, ("$id", job.Id), ("$worker", job.Worker), ("$error", error), ("$due", dueAt.ToUnixTimeMilliseconds()));
        await db.CommitAsync(ct);
    }

    public async Task<QueuedIndex?> GetQueuedAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await SqliteSession.OpenAsync(_connectionString, write: false, ct);
        var rows = await db.QueryAsync(
            "SELECT q.attempts, q.last_error, q.due_at FROM index_queue q JOIN repositories r ON r.id = q.repository_id WHERE r.name = $name AND q.digest = $digest;",
            r => new QueuedIndex(r.GetInt32(0), r.IsDBNull(1) ? null : r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2))),
            ct, ("$name", repository), ("$digest", digest.ToString()));
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task UpsertVersionAsync(SqliteSession db, ModelVersionRecord v, CancellationToken ct)
    {
        string? licenses = v.Licenses.Count == 0 ? null : "\n" + string.Join("\n", v.Licenses.Select(l => l.ToLowerInvariant())) + "\n";
        // Only while the manifest is still there: a version never outlives its manifest.
        await db.ExecuteAsync(
            """
            INSERT INTO model_versions (repository_id, digest, kind, status, error, name, format, architecture, parameter_count, quantization,
                licenses, search_text, metadata_json, files_json, lineage_json, card_json, card_text, errors_json, indexed_at)
            SELECT m.repository_id, m.digest, $kind, $status, $error, $name, $format, $arch, $params, $quant,
                $licenses, $search, $metadata, $files, $lineage, $card, $cardText, $errors, $at
            FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.name = $repo AND m.digest = $digest
            ON CONFLICT (repository_id, digest) DO UPDATE SET kind = excluded.kind, status = excluded.status, error = excluded.error,
                name = excluded.name, format = excluded.format, architecture = excluded.architecture, parameter_count = excluded.parameter_count,
                quantization = excluded.quantization, licenses = excluded.licenses, search_text = excluded.search_text,
                metadata_json = excluded.metadata_json, files_json = excluded.files_json, lineage_json = excluded.lineage_json,
                card_json = excluded.card_json, card_text = excluded.card_text, errors_json = excluded.errors_json, indexed_at = excluded.indexed_at;
            """,
            ct, ("$repo", v.Repository), ("$digest", v.Digest.ToString()), ("$kind", v.Kind), ("$status", v.Status), ("$error", v.Error),
            ("$name", v.Name), ("$format", v.Format), ("$arch", v.Architecture), ("$params", v.ParameterCount), ("$quant", v.Quantization),
            ("$licenses", licenses), ("$search", v.SearchText.ToLowerInvariant()), ("$metadata", v.MetadataJson), ("$files", v.FilesJson),
            ("$lineage", v.LineageJson), ("$card", v.CardJson), ("$cardText", v.CardText?.ToLowerInvariant()), ("$errors", v.ErrorsJson),
            ("$at", v.IndexedAt.ToUnixTimeMilliseconds()));
    }
}

using Wharf.Core;
using Wharf.Core.Catalog;

namespace Wharf.Metadata.Sql;

/// <summary>
/// <see cref="IModelCatalogStore"/> on the metadata database (its migrations create these tables, and a trigger on
/// manifests fills the queue in the put's own transaction). A claim is one UPDATE … RETURNING over rows picked
/// under the dialect's claim lock, so replicas claiming at once take disjoint rows without waiting on each other.
/// </summary>
public sealed partial class SqlModelCatalogStore(SqlDatabase database) : IModelCatalogStore
{
    private const string Due = "due_at <= @now AND (claimed_by IS NULL OR claim_expires_at < @now)";

    private readonly SqlDatabase _database = database ?? throw new ArgumentNullException(nameof(database));

    private SqlDialect Dialect => _database.Dialect;

    public async Task EnqueueAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        await db.ExecuteAsync(
            $"""
            INSERT INTO index_queue (repository_id, digest, due_at)
                SELECT m.repository_id, m.digest, @now FROM manifests m JOIN repositories r ON r.id = m.repository_id
                WHERE r.name = @name AND m.digest = @digest
            ON CONFLICT (repository_id, digest) DO UPDATE SET generation = index_queue.generation + 1,
                due_at = {Dialect.Least}(index_queue.due_at, excluded.due_at), attempts = 0;
            """,
            ct, ("name", repository), ("digest", digest.ToString()), ("now", _database.Now()));
    }

    public async Task<IReadOnlyList<IndexJob>> ClaimAsync(string worker, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        if (limit <= 0) return [];
        // A read first: an idle queue costs no write transaction (on SQLite, no write lock).
        await using (var peek = await _database.ConnectAsync(ct))
        {
            if (await peek.ScalarAsync($"SELECT 1 FROM index_queue WHERE {Due} LIMIT 1;", ct, ("now", Dialect.Time(now))) is null) return [];
        }
        await using var db = await _database.BeginWriteAsync(ct);
        var claimed = await db.QueryAsync(
            $"""
            WITH picked AS (SELECT id FROM index_queue WHERE {Due} ORDER BY due_at, id LIMIT @limit{Dialect.SkipLockedRows})
            UPDATE index_queue SET claimed_by = @worker, claim_expires_at = @until, attempts = attempts + 1
            WHERE id IN (SELECT id FROM picked)
            RETURNING id, repository_id, digest, attempts, generation;
            """,
            r => (Id: r.GetInt64(0), RepositoryId: r.GetInt64(1), Digest: r.GetString(2), Attempts: r.GetInt32(3), Generation: r.GetInt64(4)),
            ct, ("worker", worker), ("until", Dialect.Time(leaseUntil)), ("now", Dialect.Time(now)), ("limit", limit));
        var names = new Dictionary<long, string>();
        foreach (long repositoryId in claimed.Select(c => c.RepositoryId).Distinct())
            names[repositoryId] = (string)(await db.ScalarAsync("SELECT name FROM repositories WHERE id = @id;", ct, ("id", repositoryId)))!;
        await db.CommitAsync(ct);
        return claimed.Select(c => new IndexJob(c.Id, names[c.RepositoryId], Digest.Parse(c.Digest), c.Attempts, c.Generation, worker))
            .OrderBy(j => j.Id).ToList();
    }

    public async Task<bool> CompleteAsync(IndexJob job, ModelVersionRecord? version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var db = await _database.BeginWriteAsync(ct);
        // The row lock holds off a concurrent re-enqueue until this commits, so its generation bump is never lost.
        var generation = await db.ScalarAsync($"SELECT generation FROM index_queue WHERE id = @id AND claimed_by = @worker{Dialect.LockRows};",
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
        await using var db = await _database.ConnectAsync(ct);
        await db.ExecuteAsync(
            "UPDATE index_queue SET claimed_by = NULL, claim_expires_at = NULL, last_error = @error, due_at = @due WHERE id = @id AND claimed_by = @worker;",
            ct, ("id", job.Id), ("worker", job.Worker), ("error", error), ("due", Dialect.Time(dueAt)));
    }

    public async Task<QueuedIndex?> GetQueuedAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        var rows = await db.QueryAsync(
            "SELECT q.attempts, q.last_error, q.due_at FROM index_queue q JOIN repositories r ON r.id = q.repository_id WHERE r.name = @name AND q.digest = @digest;",
            r => new QueuedIndex(r.GetInt32(0), r.IsDBNull(1) ? null : r.GetString(1), Dialect.ReadTime(r, 2)),
            ct, ("name", repository), ("digest", digest.ToString()));
        return rows.Count == 0 ? null : rows[0];
    }

    private async Task UpsertVersionAsync(SqlSession db, ModelVersionRecord v, CancellationToken ct)
    {
        var licenses = Dialect.List(v.Licenses.Select(l => l.ToLowerInvariant()).ToList());
        // Only while the manifest is still there: a version never outlives its manifest. Casts type the parameters a null leaves untyped.
        await db.ExecuteAsync(
            $"""
            INSERT INTO model_versions (repository_id, digest, kind, status, error, name, format, architecture, parameter_count, quantization,
                licenses, search_text, metadata_json, files_json, lineage_json, card_json, card_text, errors_json, indexed_at)
            SELECT m.repository_id, m.digest, CAST(@kind AS text), CAST(@status AS text), CAST(@error AS text), CAST(@name AS text),
                CAST(@format AS text), CAST(@arch AS text), CAST(@params AS bigint), CAST(@quant AS text), CAST(@licenses AS {Dialect.ListType}),
                CAST(@search AS text), CAST(@metadata AS text), CAST(@files AS text), CAST(@lineage AS text), CAST(@card AS text),
                CAST(@cardText AS text), CAST(@errors AS text), CAST(@at AS {Dialect.TimeType})
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
            ("at", Dialect.Time(v.IndexedAt)));
    }
}

using Npgsql;
using Wharf.Core;

namespace Wharf.Metadata.Postgres;

/// <summary>
/// <see cref="IMetadataStore"/> on PostgreSQL, shared by any number of replicas. Each operation takes a pooled
/// connection from one <see cref="NpgsqlDataSource"/>; every change that moves a name is one transaction that
/// first locks its repository row, so tag moves and deletes in one repository serialize (and tag history stays
/// a chain) while other repositories go on in parallel. Call <see cref="MigrateAsync"/> once at startup; any
/// number of processes may do so at once.
/// </summary>
public sealed partial class PostgresMetadataStore : IMetadataStore, IJobLeases, IAsyncDisposable, IDisposable
{
    // pg_advisory_xact_lock key for schema changes ("WharfMig"): processes starting together migrate one by one.
    private const long MigrationLockKey = 0x5768_6172_664D_6967;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    public PostgresMetadataStore(string connectionString, TimeProvider? timeProvider = null)
    {
        CheckConnectionString(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Throws a message that names the setting, never the string itself (it may hold a password).</summary>
    public static void CheckConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"not a valid PostgreSQL connection string ({e.Message})", nameof(connectionString));
        }
    }

    public async Task MigrateAsync(CancellationToken ct)
    {
        // DDL is transactional in PostgreSQL: all pending scripts and their version rows commit together or not at all.
        await using var db = await BeginWriteAsync(ct);
        await db.ExecuteAsync("SELECT pg_advisory_xact_lock(@key);", ct, ("key", MigrationLockKey));
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL);", ct);
        int current = (int)(await db.ScalarAsync("SELECT coalesce(max(version), 0) FROM schema_migrations;", ct))!;
        if (current > PostgresMigrations.Scripts.Length)
            throw new InvalidOperationException($"the database schema is version {current}, newer than this build knows ({PostgresMigrations.Scripts.Length})");
        for (int version = current + 1; version <= PostgresMigrations.Scripts.Length; version++)
        {
            await db.ExecuteAsync(PostgresMigrations.Scripts[version - 1], ct);
            await db.ExecuteAsync("INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at);", ct, ("v", version), ("at", Now()));
        }
        await db.CommitAsync(ct);
    }

    public async Task<bool> RepositoryExistsAsync(string repository, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        return await db.ScalarAsync($"SELECT 1 FROM repositories r WHERE r.name = @name AND {RepositoryHasContent};", ct, ("name", repository)) is not null;
    }

    public async Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await ConnectAsync(ct);
        // '' sorts before every name, so "after nothing" needs no second query shape and keeps the index range.
        return await db.QueryAsync(
            $"SELECT r.name FROM repositories r WHERE r.name > @last AND {RepositoryHasContent} ORDER BY r.name LIMIT @limit;",
            r => r.GetString(0), ct, ("last", last ?? ""), ("limit", limit));
    }

    public async Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken ct)
    {
        await using var db = await BeginWriteAsync(ct);
        long repositoryId = await EnsureRepositoryAsync(db, repository, ct);
        await db.ExecuteAsync(
            "INSERT INTO blob_links (repository_id, digest, size, created_at) VALUES (@repo, @digest, @size, @now) ON CONFLICT DO NOTHING;",
            ct, ("repo", repositoryId), ("digest", digest.ToString()), ("size", size), ("now", Now()));
        await db.CommitAsync(ct);
    }

    public async Task<long?> GetLinkedBlobSizeAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        return await db.ScalarAsync(
            "SELECT b.size FROM blob_links b JOIN repositories r ON r.id = b.repository_id WHERE r.name = @name AND b.digest = @digest;",
            ct, ("name", repository), ("digest", digest.ToString())) as long?;
    }

    public async Task<DeleteOutcome> UnlinkBlobAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        // A manifest put that needs this link holds it FOR KEY SHARE, so the delete waits for that put to finish.
        int deleted = await db.ExecuteAsync(
            "DELETE FROM blob_links WHERE repository_id = (SELECT id FROM repositories WHERE name = @name) AND digest = @digest;",
            ct, ("name", repository), ("digest", digest.ToString()));
        return deleted > 0 ? DeleteOutcome.Deleted : DeleteOutcome.NotFound;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    // A repository row outlives its content; the registry knows a repository only while it holds something.
    private const string RepositoryHasContent =
        "(EXISTS (SELECT 1 FROM manifests m WHERE m.repository_id = r.id) OR EXISTS (SELECT 1 FROM blob_links b WHERE b.repository_id = r.id))";

    /// <summary>The repository's id, creating its row; concurrent creators wait on the unique index and then read it.</summary>
    private async Task<long> EnsureRepositoryAsync(PostgresSession db, string repository, CancellationToken ct) =>
        await db.ScalarAsync("INSERT INTO repositories (name, created_at) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING RETURNING id;",
            ct, ("name", repository), ("now", Now())) as long?
        ?? (long)(await db.ScalarAsync("SELECT id FROM repositories WHERE name = @name;", ct, ("name", repository)))!;

    /// <summary>
    /// Locks the repository row against other name changes in it until the transaction ends (FOR NO KEY UPDATE:
    /// blob links, whose foreign keys take KEY SHARE, are not held up). Null when the repository does not exist.
    /// </summary>
    private static async Task<long?> LockRepositoryAsync(PostgresSession db, string repository, CancellationToken ct) =>
        await db.ScalarAsync("SELECT id FROM repositories WHERE name = @name FOR NO KEY UPDATE;", ct, ("name", repository)) as long?;

    /// <summary>A connection in autocommit mode: for reads and single-statement writes.</summary>
    private Task<PostgresSession> ConnectAsync(CancellationToken ct) => PostgresSession.OpenAsync(_dataSource, write: false, ct);

    private Task<PostgresSession> BeginWriteAsync(CancellationToken ct) => PostgresSession.OpenAsync(_dataSource, write: true, ct);

    private DateTimeOffset Now() => _time.GetUtcNow().ToUniversalTime();

    // timestamptz takes only UTC offsets from Npgsql.
    private static DateTimeOffset Utc(DateTimeOffset at) => at.ToUniversalTime();
}

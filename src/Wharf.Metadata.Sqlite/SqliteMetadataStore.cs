using Microsoft.Data.Sqlite;
using Wharf.Core;

namespace Wharf.Metadata.Sqlite;

/// <summary>
/// <see cref="IMetadataStore"/> on one SQLite file in WAL mode: readers never block the writer, and each
/// operation takes its own pooled connection, so the store is safe to share across concurrent requests.
/// Call <see cref="MigrateAsync"/> once at startup.
/// </summary>
public sealed partial class SqliteMetadataStore : IMetadataStore, IDisposable
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public SqliteMetadataStore(string databasePath, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        _time = timeProvider ?? TimeProvider.System;
    }

    public async Task MigrateAsync(CancellationToken ct)
    {
        // journal_mode is stored in the database file, and cannot change inside a transaction.
        await using (var setup = await SqliteSession.OpenAsync(_connectionString, write: false, ct))
            await setup.ExecuteAsync("PRAGMA journal_mode = WAL;", ct);

        await using var db = await BeginWriteAsync(ct);
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);", ct);
        long current = await db.ScalarAsync("SELECT coalesce(max(version), 0) FROM schema_migrations;", ct) as long? ?? 0;
        if (current > SqliteMigrations.Scripts.Length)
            throw new InvalidOperationException($"the database schema is version {current}, newer than this build knows ({SqliteMigrations.Scripts.Length})");
        for (int version = (int)current + 1; version <= SqliteMigrations.Scripts.Length; version++)
        {
            await db.ExecuteAsync(SqliteMigrations.Scripts[version - 1], ct);
            await db.ExecuteAsync("INSERT INTO schema_migrations (version, applied_at) VALUES ($v, $at);", ct, ("$v", version), ("$at", Now()));
        }
        await db.CommitAsync(ct);
    }

    public async Task<bool> RepositoryExistsAsync(string repository, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        return await db.ScalarAsync($"SELECT 1 FROM repositories r WHERE r.name = $name AND {RepositoryHasContent};", ct, ("$name", repository)) is not null;
    }

    public async Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await ConnectAsync(ct);
        // '' sorts before every name, so "after nothing" needs no second query shape and keeps the index range.
        return await db.QueryAsync(
            $"SELECT r.name FROM repositories r WHERE r.name > $last AND {RepositoryHasContent} ORDER BY r.name LIMIT $limit;",
            r => r.GetString(0), ct, ("$last", last ?? ""), ("$limit", limit));
    }

    public async Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken ct)
    {
        await using var db = await BeginWriteAsync(ct);
        long repositoryId = await EnsureRepositoryAsync(db, repository, ct);
        await db.ExecuteAsync(
            "INSERT INTO blob_links (repository_id, digest, size, created_at) VALUES ($repo, $digest, $size, $now) ON CONFLICT DO NOTHING;",
            ct, ("$repo", repositoryId), ("$digest", digest.ToString()), ("$size", size), ("$now", Now()));
        await db.CommitAsync(ct);
    }

    public async Task<long?> GetLinkedBlobSizeAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        return await db.ScalarAsync(
            "SELECT b.size FROM blob_links b JOIN repositories r ON r.id = b.repository_id WHERE r.name = $name AND b.digest = $digest;",
            ct, ("$name", repository), ("$digest", digest.ToString())) as long?;
    }

    public async Task<DeleteOutcome> UnlinkBlobAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        int deleted = await db.ExecuteAsync(
            "DELETE FROM blob_links WHERE repository_id = (SELECT id FROM repositories WHERE name = $name) AND digest = $digest;",
            ct, ("$name", repository), ("$digest", digest.ToString()));
        return deleted > 0 ? DeleteOutcome.Deleted : DeleteOutcome.NotFound;
    }

    /// <summary>Closes this database's idle pooled connections (tests delete the file afterwards; hosts shut down).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    // A repository row outlives its content; the registry knows a repository only while it holds something.
    private const string RepositoryHasContent =
        "(EXISTS (SELECT 1 FROM manifests m WHERE m.repository_id = r.id) OR EXISTS (SELECT 1 FROM blob_links b WHERE b.repository_id = r.id))";

    /// <summary>The repository's id, creating its row; call inside a write transaction, so the check-then-insert cannot race.</summary>
    private async Task<long> EnsureRepositoryAsync(SqliteSession db, string repository, CancellationToken ct) =>
        await db.ScalarAsync("SELECT id FROM repositories WHERE name = $name;", ct, ("$name", repository)) as long?
        ?? (long)(await db.ScalarAsync("INSERT INTO repositories (name, created_at) VALUES ($name, $now) RETURNING id;",
            ct, ("$name", repository), ("$now", Now())))!;

    /// <summary>A connection in autocommit mode: for reads and single-statement writes.</summary>
    private Task<SqliteSession> ConnectAsync(CancellationToken ct) => SqliteSession.OpenAsync(_connectionString, write: false, ct);

    private Task<SqliteSession> BeginWriteAsync(CancellationToken ct) => SqliteSession.OpenAsync(_connectionString, write: true, ct);

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static long ToUnix(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromUnix(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

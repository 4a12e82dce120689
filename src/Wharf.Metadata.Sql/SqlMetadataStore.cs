using System.Data.Common;
using Wharf.Core;

namespace Wharf.Metadata.Sql;

/// <summary>
/// <see cref="IMetadataStore"/>, <see cref="IJobLeases"/> and <see cref="Core.Policy.IPolicyStore"/> over one
/// <see cref="SqlDatabase"/>. Every change that moves a name is one write transaction that first takes its
/// repository (a row lock where the engine has them, the database's write lock where it has one writer), so tag
/// moves and deletes in one repository serialize and tag history stays a chain.
/// </summary>
public sealed partial class SqlMetadataStore(SqlDatabase database) : IMetadataStore
{
    private readonly SqlDatabase _database = database ?? throw new ArgumentNullException(nameof(database));

    private SqlDialect Dialect => _database.Dialect;

    public Task MigrateAsync(CancellationToken ct) => _database.MigrateAsync(ct);

    public async Task<bool> RepositoryExistsAsync(string repository, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        return await db.ScalarAsync($"SELECT 1 FROM repositories r WHERE r.name = @name AND {RepositoryHasContent};", ct, ("name", repository)) is not null;
    }

    public async Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await _database.ConnectAsync(ct);
        // '' sorts before every name, so "after nothing" needs no second query shape and keeps the index range.
        return await db.QueryAsync(
            $"SELECT r.name FROM repositories r WHERE r.name > @last AND {RepositoryHasContent} ORDER BY r.name LIMIT @limit;",
            r => r.GetString(0), ct, ("last", last ?? ""), ("limit", limit));
    }

    public async Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken ct)
    {
        await using var db = await _database.BeginWriteAsync(ct);
        long repositoryId = await EnsureRepositoryAsync(db, repository, ct);
        await db.ExecuteAsync(
            "INSERT INTO blob_links (repository_id, digest, size, created_at) VALUES (@repo, @digest, @size, @now) ON CONFLICT DO NOTHING;",
            ct, ("repo", repositoryId), ("digest", digest.ToString()), ("size", size), ("now", _database.Now()));
        await db.CommitAsync(ct);
    }

    public async Task<long?> GetLinkedBlobSizeAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        return await db.ScalarAsync(
            "SELECT b.size FROM blob_links b JOIN repositories r ON r.id = b.repository_id WHERE r.name = @name AND b.digest = @digest;",
            ct, ("name", repository), ("digest", digest.ToString())) as long?;
    }

    public async Task<DeleteOutcome> UnlinkBlobAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        // A manifest put that needs this link holds it (ShareKeys) until it commits, so the delete waits for that put.
        int deleted = await db.ExecuteAsync(
            "DELETE FROM blob_links WHERE repository_id = (SELECT id FROM repositories WHERE name = @name) AND digest = @digest;",
            ct, ("name", repository), ("digest", digest.ToString()));
        return deleted > 0 ? DeleteOutcome.Deleted : DeleteOutcome.NotFound;
    }

    // A repository row outlives its content; the registry knows a repository only while it holds something.
    private const string RepositoryHasContent =
        "(EXISTS (SELECT 1 FROM manifests m WHERE m.repository_id = r.id) OR EXISTS (SELECT 1 FROM blob_links b WHERE b.repository_id = r.id))";

    /// <summary>
    /// The repository's id, creating its row. Read first (the row usually exists); a creator racing another
    /// waits on the unique index, inserts nothing, and then reads the row the other committed.
    /// </summary>
    private async Task<long> EnsureRepositoryAsync(SqlSession db, string repository, CancellationToken ct) =>
        await db.ScalarAsync("SELECT id FROM repositories WHERE name = @name;", ct, ("name", repository)) as long?
        ?? await db.ScalarAsync("INSERT INTO repositories (name, created_at) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING RETURNING id;",
            ct, ("name", repository), ("now", _database.Now())) as long?
        ?? (long)(await db.ScalarAsync("SELECT id FROM repositories WHERE name = @name;", ct, ("name", repository)))!;

    /// <summary>
    /// Takes the repository against other name changes in it until the transaction ends (on PostgreSQL FOR NO KEY
    /// UPDATE: blob links, whose foreign keys take KEY SHARE, are not held up). Null when the repository does not exist.
    /// </summary>
    private async Task<long?> LockRepositoryAsync(SqlSession db, string repository, CancellationToken ct) =>
        await db.ScalarAsync($"SELECT id FROM repositories WHERE name = @name{Dialect.LockRepository};", ct, ("name", repository)) as long?;

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static Digest? NullableDigest(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Digest.Parse(reader.GetString(ordinal));
}

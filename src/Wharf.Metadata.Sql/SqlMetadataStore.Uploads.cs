using System.Data.Common;
using Wharf.Core;

namespace Wharf.Metadata.Sql;

public sealed partial class SqlMetadataStore
{
    public async Task CreateUploadAsync(UploadSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var db = await _database.ConnectAsync(ct);
        await db.ExecuteAsync(
            "INSERT INTO upload_sessions (id, repository, started_at, updated_at) VALUES (@id, @repo, @started, @updated);",
            ct, ("id", session.Id), ("repo", session.Repository), ("started", Dialect.Time(session.StartedAt)), ("updated", Dialect.Time(session.UpdatedAt)));
    }

    public async Task<UploadSession?> GetUploadAsync(string id, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        var rows = await db.QueryAsync(
            "SELECT id, repository, started_at, updated_at FROM upload_sessions WHERE id = @id;", ReadSession, ct, ("id", id));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task TouchUploadAsync(string id, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        await db.ExecuteAsync("UPDATE upload_sessions SET updated_at = @at WHERE id = @id;", ct, ("id", id), ("at", Dialect.Time(at)));
    }

    public async Task<DeleteOutcome> DeleteUploadAsync(string id, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        int deleted = await db.ExecuteAsync("DELETE FROM upload_sessions WHERE id = @id;", ct, ("id", id));
        return deleted > 0 ? DeleteOutcome.Deleted : DeleteOutcome.NotFound;
    }

    public async Task<IReadOnlyList<UploadSession>> ListUploadsIdleSinceAsync(DateTimeOffset before, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await _database.ConnectAsync(ct);
        return await db.QueryAsync(
            "SELECT id, repository, started_at, updated_at FROM upload_sessions WHERE updated_at < @before ORDER BY updated_at, id LIMIT @limit;",
            ReadSession, ct, ("before", Dialect.Time(before)), ("limit", limit));
    }

    private UploadSession ReadSession(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), Dialect.ReadTime(r, 2), Dialect.ReadTime(r, 3));
}

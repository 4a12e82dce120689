using Wharf.Core;

namespace Wharf.Metadata.Sql;

public sealed partial class SqlMetadataStore
{
    // The store's own callers (tests, tools) see the interface's actor-less overloads too.
    public Task<DeleteOutcome> DeleteManifestAsync(string repository, Digest digest, TagGuard? guard, CancellationToken ct) =>
        DeleteManifestAsync(repository, digest, guard, null, ct);

    public Task<DeleteOutcome> DeleteTagAsync(string repository, string tag, TagGuard? guard, CancellationToken ct) =>
        DeleteTagAsync(repository, tag, guard, null, ct);

    public async Task<DeleteOutcome> DeleteManifestAsync(string repository, Digest digest, TagGuard? guard, string? actor, CancellationToken ct)
    {
        await using var db = await _database.BeginWriteAsync(ct);
        if (await LockRepositoryAsync(db, repository, ct) is not long repositoryId) return DeleteOutcome.NotFound;
        if (guard is not null)
        {
            var tags = await db.QueryAsync("SELECT name FROM tags WHERE repository_id = @repo AND manifest_digest = @digest;",
                r => r.GetString(0), ct, ("repo", repositoryId), ("digest", digest.ToString()));
            if (tags.Any(guard.IsProtected)) return DeleteOutcome.Protected;
        }
        // History rows in tag order, so the ids of one delete read the same on every engine.
        int deleted = await db.ExecuteAsync(
            """
            INSERT INTO tag_history (repository_id, tag, old_digest, new_digest, at, actor)
                SELECT repository_id, name, manifest_digest, NULL, @now, CAST(@actor AS text) FROM tags WHERE repository_id = @repo AND manifest_digest = @digest
                ORDER BY name;
            DELETE FROM tags WHERE repository_id = @repo AND manifest_digest = @digest;
            DELETE FROM manifests WHERE repository_id = @repo AND digest = @digest;
            """,
            ct, ("repo", repositoryId), ("digest", digest.ToString()), ("now", _database.Now()), ("actor", actor));
        if (deleted == 0) return DeleteOutcome.NotFound; // nothing to undo: a tag cannot point at an absent manifest
        await db.CommitAsync(ct);
        return DeleteOutcome.Deleted;
    }

    public async Task<DeleteOutcome> DeleteTagAsync(string repository, string tag, TagGuard? guard, string? actor, CancellationToken ct)
    {
        await using var db = await _database.BeginWriteAsync(ct);
        if (await LockRepositoryAsync(db, repository, ct) is not long repositoryId) return DeleteOutcome.NotFound;
        if (guard?.IsProtected(tag) == true)
        {
            bool exists = await db.ScalarAsync("SELECT 1 FROM tags WHERE repository_id = @repo AND name = @tag;",
                ct, ("repo", repositoryId), ("tag", tag)) is not null;
            return exists ? DeleteOutcome.Protected : DeleteOutcome.NotFound;
        }
        int deleted = await db.ExecuteAsync(
            """
            INSERT INTO tag_history (repository_id, tag, old_digest, new_digest, at, actor)
                SELECT repository_id, name, manifest_digest, NULL, @now, CAST(@actor AS text) FROM tags WHERE repository_id = @repo AND name = @tag;
            DELETE FROM tags WHERE repository_id = @repo AND name = @tag;
            """,
            ct, ("repo", repositoryId), ("tag", tag), ("now", _database.Now()), ("actor", actor));
        if (deleted == 0) return DeleteOutcome.NotFound;
        await db.CommitAsync(ct);
        return DeleteOutcome.Deleted;
    }

    public async Task<IReadOnlyList<ManifestSummary>> ListManifestsAsync(string repository, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        var tags = (await db.QueryAsync(
            "SELECT t.manifest_digest, t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = @name ORDER BY t.name;",
            r => (Digest: r.GetString(0), Name: r.GetString(1)), ct, ("name", repository)))
            .ToLookup(t => t.Digest, t => t.Name, StringComparer.Ordinal);
        return await db.QueryAsync(
            """
            SELECT m.digest, m.media_type, m.subject_digest, m.created_at
            FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.name = @name ORDER BY m.created_at, m.digest;
            """,
            r => new ManifestSummary(Digest.Parse(r.GetString(0)), r.GetString(1), NullableDigest(r, 2), Dialect.ReadTime(r, 3),
                tags[r.GetString(0)].ToList()),
            ct, ("name", repository));
    }

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await _database.ConnectAsync(ct);
        return await db.QueryAsync(
            """
            SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id
            WHERE r.name = @name AND t.name > @last ORDER BY t.name LIMIT @limit;
            """,
            r => r.GetString(0), ct, ("name", repository), ("last", last ?? ""), ("limit", limit));
    }

    /// <summary>
    /// Points the tag at <paramref name="digest"/> and records the move from <paramref name="old"/> by
    /// <paramref name="actor"/>; inside a write transaction that holds the repository.
    /// </summary>
    private async Task MoveTagAsync(SqlSession db, long repositoryId, string tag, string? old, string digest, string? actor, CancellationToken ct)
    {
        var now = _database.Now();
        await db.ExecuteAsync(
            """
            INSERT INTO tags (repository_id, name, manifest_digest, updated_at) VALUES (@repo, @tag, @digest, @now)
            ON CONFLICT (repository_id, name) DO UPDATE SET manifest_digest = excluded.manifest_digest, updated_at = excluded.updated_at;
            INSERT INTO tag_history (repository_id, tag, old_digest, new_digest, at, actor)
            VALUES (@repo, @tag, CAST(@old AS text), @digest, @now, CAST(@actor AS text));
            """,
            ct, ("repo", repositoryId), ("tag", tag), ("digest", digest), ("old", old), ("now", now), ("actor", actor));
    }
}

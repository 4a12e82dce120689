using System.Text.Json;
using Microsoft.Data.Sqlite;
using Wharf.Core;

namespace Wharf.Metadata.Sqlite;

public sealed partial class SqliteMetadataStore
{
    public async Task<ManifestPutResult> PutManifestAsync(ManifestPut put, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(put);
        var manifest = put.Manifest;
        await using var db = await BeginWriteAsync(ct);
        long? existing = await db.ScalarAsync("SELECT id FROM repositories WHERE name = $name;", ct, ("$name", put.Repository)) as long?;

        if (await FirstMissingAsync(db, existing, "blob_links", put.RequiredBlobs, ct) is { } blob)
            return new ManifestPutResult(ManifestPutOutcome.BlobUnknown, blob);
        if (await FirstMissingAsync(db, existing, "manifests", put.RequiredManifests, ct) is { } child)
            return new ManifestPutResult(ManifestPutOutcome.ManifestUnknown, child);

        string digest = manifest.Digest.ToString();
        string? old = null;
        if (put.Tag is { } guarded && existing is long known)
        {
            old = await db.ScalarAsync("SELECT manifest_digest FROM tags WHERE repository_id = $repo AND name = $tag;",
                ct, ("$repo", known), ("$tag", guarded)) as string;
            // Read and decided under the write lock: a concurrent put to the same tag waits for this transaction.
            if (old is not null && old != digest && put.Guard?.IsProtected(guarded) == true)
                return new ManifestPutResult(ManifestPutOutcome.TagProtected, Current: Digest.Parse(old));
        }

        long repositoryId = existing ?? await EnsureRepositoryAsync(db, put.Repository, ct);
        // Same digest, same bytes: a re-push of a stored manifest changes nothing but, perhaps, the tag.
        await db.ExecuteAsync(
            """
            INSERT INTO manifests (repository_id, digest, media_type, content, size, artifact_type, subject_digest, annotations_json, created_at)
            VALUES ($repo, $digest, $mediaType, $content, $size, $artifactType, $subject, $annotations, $createdAt)
            ON CONFLICT DO NOTHING;
            """,
            ct, ("$repo", repositoryId), ("$digest", digest), ("$mediaType", manifest.MediaType), ("$content", manifest.Content),
            ("$size", manifest.Size), ("$artifactType", manifest.ArtifactType), ("$subject", manifest.Subject?.ToString()),
            ("$annotations", SerializeAnnotations(manifest.Annotations)), ("$createdAt", ToUnix(manifest.CreatedAt)));

        if (put.Tag is { } tag && old != digest) await MoveTagAsync(db, repositoryId, tag, old, digest, put.Actor, ct);
        await db.CommitAsync(ct);
        return new ManifestPutResult(ManifestPutOutcome.Stored, Previous: old is not null && old != digest ? Digest.Parse(old) : null);
    }

    public async Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        var rows = await db.QueryAsync(
            $"""
            SELECT {ManifestColumns}
            FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.name = $name AND m.digest = $digest;
            """,
            ReadManifest, ct, ("$name", repository), ("$digest", digest.ToString()));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<Digest?> ResolveTagAsync(string repository, string tag, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        var digest = await db.ScalarAsync(
            "SELECT t.manifest_digest FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = $name AND t.name = $tag;",
            ct, ("$name", repository), ("$tag", tag)) as string;
        return digest is null ? null : Digest.Parse(digest);
    }

    public async Task<ManifestRecord?> GetTaggedManifestAsync(string repository, string tag, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        var rows = await db.QueryAsync(
            $"""
            SELECT {ManifestColumns}
            FROM tags t JOIN repositories r ON r.id = t.repository_id
                JOIN manifests m ON m.repository_id = t.repository_id AND m.digest = t.manifest_digest
            WHERE r.name = $name AND t.name = $tag;
            """,
            ReadManifest, ct, ("$name", repository), ("$tag", tag));
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>What both manifest reads select, in the order <see cref="ReadManifest"/> reads it.</summary>
    private const string ManifestColumns =
        "m.digest, m.media_type, m.content, m.artifact_type, m.subject_digest, m.annotations_json, m.created_at";

    private static ManifestRecord ReadManifest(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        new(Digest.Parse(r.GetString(0)), r.GetString(1), r.GetFieldValue<byte[]>(2), NullableString(r, 3),
            NullableString(r, 4) is { } subject ? Digest.Parse(subject) : null, DeserializeAnnotations(NullableString(r, 5)),
            FromUnix(r.GetInt64(6)));

    // The store's own callers (tests, tools) see the interface's actor-less overloads too.
    public Task<DeleteOutcome> DeleteManifestAsync(string repository, Digest digest, TagGuard? guard, CancellationToken ct) =>
        DeleteManifestAsync(repository, digest, guard, null, ct);

    public Task<DeleteOutcome> DeleteTagAsync(string repository, string tag, TagGuard? guard, CancellationToken ct) =>
        DeleteTagAsync(repository, tag, guard, null, ct);

    public async Task<DeleteOutcome> DeleteManifestAsync(string repository, Digest digest, TagGuard? guard, string? actor, CancellationToken ct)
    {
        await using var db = await BeginWriteAsync(ct);
        if (await db.ScalarAsync("SELECT id FROM repositories WHERE name = $name;", ct, ("$name", repository)) is not long repositoryId)
            return DeleteOutcome.NotFound;
        if (guard is not null)
        {
            var tags = await db.QueryAsync("SELECT name FROM tags WHERE repository_id = $repo AND manifest_digest = $digest;",
                r => r.GetString(0), ct, ("$repo", repositoryId), ("$digest", digest.ToString()));
            if (tags.Any(guard.IsProtected)) return DeleteOutcome.Protected;
        }
        int deleted = await db.ExecuteAsync(
            """
            INSERT INTO tag_history (repository_id, tag, old_digest, new_digest, at, actor)
                SELECT repository_id, name, manifest_digest, NULL, $now, $actor FROM tags WHERE repository_id = $repo AND manifest_digest = $digest;
            DELETE FROM tags WHERE repository_id = $repo AND manifest_digest = $digest;
            DELETE FROM manifests WHERE repository_id = $repo AND digest = $digest;
            """,
            ct, ("$repo", repositoryId), ("$digest", digest.ToString()), ("$now", Now()), ("$actor", actor));
        if (deleted == 0) return DeleteOutcome.NotFound; // nothing to undo: a tag cannot point at an absent manifest
        await db.CommitAsync(ct);
        return DeleteOutcome.Deleted;
    }

    public async Task<DeleteOutcome> DeleteTagAsync(string repository, string tag, TagGuard? guard, string? actor, CancellationToken ct)
    {
        await using var db = await BeginWriteAsync(ct);
        if (guard?.IsProtected(tag) == true)
        {
            bool exists = await db.ScalarAsync(
                "SELECT 1 FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = $name AND t.name = $tag;",
                ct, ("$name", repository), ("$tag", tag)) is not null;
            return exists ? DeleteOutcome.Protected : DeleteOutcome.NotFound;
        }
        int deleted = await db.ExecuteAsync(
            """
            INSERT INTO tag_history (repository_id, tag, old_digest, new_digest, at, actor)
                SELECT t.repository_id, t.name, t.manifest_digest, NULL, $now, $actor
                FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = $name AND t.name = $tag;
            DELETE FROM tags WHERE repository_id = (SELECT id FROM repositories WHERE name = $name) AND name = $tag;
            """,
            ct, ("$name", repository), ("$tag", tag), ("$now", Now()), ("$actor", actor));
        if (deleted == 0) return DeleteOutcome.NotFound;
        await db.CommitAsync(ct);
        return DeleteOutcome.Deleted;
    }

    public async Task<IReadOnlyList<ManifestSummary>> ListManifestsAsync(string repository, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        var tags = (await db.QueryAsync(
            "SELECT t.manifest_digest, t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = $name ORDER BY t.name;",
            r => (Digest: r.GetString(0), Name: r.GetString(1)), ct, ("$name", repository)))
            .ToLookup(t => t.Digest, t => t.Name, StringComparer.Ordinal);
        return await db.QueryAsync(
            """
            SELECT m.digest, m.media_type, m.subject_digest, m.created_at
            FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.name = $name ORDER BY m.created_at, m.digest;
            """,
            r => new ManifestSummary(Digest.Parse(r.GetString(0)), r.GetString(1),
                NullableString(r, 2) is { } subject ? Digest.Parse(subject) : null, FromUnix(r.GetInt64(3)),
                tags[r.GetString(0)].ToList()),
            ct, ("$name", repository));
    }

    /// <summary>Points the tag at <paramref name="digest"/> and records the move by <paramref name="actor"/>; inside a write transaction.</summary>
    private async Task MoveTagAsync(SqliteSession db, long repositoryId, string tag, string? old, string digest, string? actor, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO tags (repository_id, name, manifest_digest, updated_at) VALUES ($repo, $tag, $digest, $now)
            ON CONFLICT (repository_id, name) DO UPDATE SET manifest_digest = excluded.manifest_digest, updated_at = excluded.updated_at;
            INSERT INTO tag_history (repository_id, tag, old_digest, new_digest, at, actor) VALUES ($repo, $tag, $old, $digest, $now, $actor);
            """,
            ct, ("$repo", repositoryId), ("$tag", tag), ("$digest", digest), ("$old", old), ("$now", Now()), ("$actor", actor));

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await ConnectAsync(ct);
        return await db.QueryAsync(
            """
            SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id
            WHERE r.name = $name AND t.name > $last ORDER BY t.name LIMIT $limit;
            """,
            r => r.GetString(0), ct, ("$name", repository), ("$last", last ?? ""), ("$limit", limit));
    }

    public async Task<IReadOnlyList<ReferrerRecord>> ListReferrersAsync(string repository, Digest subject, string? artifactType, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        return await db.QueryAsync(
            """
            SELECT m.digest, m.media_type, m.size, m.artifact_type, m.annotations_json
            FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.name = $name AND m.subject_digest = $subject AND ($type IS NULL OR m.artifact_type = $type)
            ORDER BY m.created_at, m.digest;
            """,
            r => new ReferrerRecord(Digest.Parse(r.GetString(0)), r.GetString(1), r.GetInt64(2), NullableString(r, 3),
                DeserializeAnnotations(NullableString(r, 4))),
            ct, ("$name", repository), ("$subject", subject.ToString()), ("$type", artifactType));
    }

    /// <summary>The first of <paramref name="digests"/>, in order, that <paramref name="table"/> lacks for the repository.</summary>
    private static async Task<Digest?> FirstMissingAsync(SqliteSession db, long? repositoryId, string table, IReadOnlyList<Digest> digests, CancellationToken ct)
    {
        if (digests.Count == 0) return null;
        if (repositoryId is null) return digests[0];
        // One statement for any number of layers; json_each keeps the caller's order in its key column.
        var missing = await db.ScalarAsync(
            $"SELECT j.value FROM json_each($digests) j WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE x.repository_id = $repo AND x.digest = j.value) ORDER BY j.key LIMIT 1;",
            ct, ("$digests", JsonSerializer.Serialize(digests.Select(d => d.ToString()), SqliteJsonContext.Default.IEnumerableString)),
            ("$repo", repositoryId)) as string;
        return missing is null ? null : Digest.Parse(missing);
    }

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string? SerializeAnnotations(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is null ? null : JsonSerializer.Serialize(annotations, SqliteJsonContext.Default.IReadOnlyDictionaryStringString);

    private static Dictionary<string, string>? DeserializeAnnotations(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, SqliteJsonContext.Default.DictionaryStringString);
}

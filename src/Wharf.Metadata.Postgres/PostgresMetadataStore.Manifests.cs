using System.Text.Json;
using Npgsql;
using Wharf.Core;

namespace Wharf.Metadata.Postgres;

public sealed partial class PostgresMetadataStore
{
    public async Task<ManifestPutResult> PutManifestAsync(ManifestPut put, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(put);
        var manifest = put.Manifest;
        await using var db = await BeginWriteAsync(ct);
        long? existing = await LockRepositoryAsync(db, put.Repository, ct);

        if (await FirstMissingAsync(db, existing, "blob_links", put.RequiredBlobs, ct) is { } blob)
            return new ManifestPutResult(ManifestPutOutcome.BlobUnknown, blob);
        if (await FirstMissingAsync(db, existing, "manifests", put.RequiredManifests, ct) is { } child)
            return new ManifestPutResult(ManifestPutOutcome.ManifestUnknown, child);

        long repositoryId = existing ?? await EnsureRepositoryAsync(db, put.Repository, ct);
        if (existing is null) await LockRepositoryAsync(db, put.Repository, ct);
        string digest = manifest.Digest.ToString();
        // Same digest, same bytes: a re-push of a stored manifest changes nothing but, perhaps, the tag.
        await db.ExecuteAsync(
            """
            INSERT INTO manifests (repository_id, digest, media_type, content, size, artifact_type, subject_digest, annotations_json, created_at)
            VALUES (@repo, @digest, @mediaType, @content, @size, @artifactType, @subject, @annotations, @createdAt)
            ON CONFLICT DO NOTHING;
            """,
            ct, ("repo", repositoryId), ("digest", digest), ("mediaType", manifest.MediaType), ("content", manifest.Content),
            ("size", manifest.Size), ("artifactType", manifest.ArtifactType), ("subject", manifest.Subject?.ToString()),
            ("annotations", SerializeAnnotations(manifest.Annotations)), ("createdAt", Utc(manifest.CreatedAt)));

        Digest? previous = null;
        if (put.Tag is { } tag)
        {
            // The repository lock makes this read-then-write a move from exactly the state it read.
            string? old = await db.ScalarAsync("SELECT manifest_digest FROM tags WHERE repository_id = @repo AND name = @tag;",
                ct, ("repo", repositoryId), ("tag", tag)) as string;
            // Refusing returns before the commit: the transaction rolls back, so nothing of the put is stored.
            if (old is not null && old != digest && put.Guard?.IsProtected(tag) == true)
                return new ManifestPutResult(ManifestPutOutcome.TagProtected, Current: Digest.Parse(old));
            if (old != digest)
            {
                previous = old is null ? null : Digest.Parse(old);
                await db.ExecuteAsync(
                    """
                    INSERT INTO tags (repository_id, name, manifest_digest, updated_at) VALUES (@repo, @tag, @digest, @now)
                    ON CONFLICT (repository_id, name) DO UPDATE SET manifest_digest = excluded.manifest_digest, updated_at = excluded.updated_at;
                    INSERT INTO tag_history (repository_id, tag, old_digest, new_digest, at, actor)
                    VALUES (@repo, @tag, @old, @digest, @now, CAST(@actor AS text));
                    """,
                    ct, ("repo", repositoryId), ("tag", tag), ("digest", digest), ("old", old), ("now", Now()), ("actor", put.Actor));
            }
        }
        await db.CommitAsync(ct);
        return new ManifestPutResult(ManifestPutOutcome.Stored, Previous: previous);
    }

    public async Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        var rows = await db.QueryAsync(
            $"""
            SELECT {ManifestColumns}
            FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.name = @name AND m.digest = @digest;
            """,
            ReadManifest, ct, ("@name", repository), ("@digest", digest.ToString()));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<Digest?> ResolveTagAsync(string repository, string tag, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        var digest = await db.ScalarAsync(
            "SELECT t.manifest_digest FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = @name AND t.name = @tag;",
            ct, ("name", repository), ("tag", tag)) as string;
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
            WHERE r.name = @name AND t.name = @tag;
            """,
            ReadManifest, ct, ("@name", repository), ("@tag", tag));
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>What both manifest reads select, in the order <see cref="ReadManifest"/> reads it.</summary>
    private const string ManifestColumns =
        "m.digest, m.media_type, m.content, m.artifact_type, m.subject_digest, m.annotations_json, m.created_at";

    private static ManifestRecord ReadManifest(Npgsql.NpgsqlDataReader r) =>
        new(Digest.Parse(r.GetString(0)), r.GetString(1), r.GetFieldValue<byte[]>(2), NullableString(r, 3),
            NullableString(r, 4) is { } subject ? Digest.Parse(subject) : null, DeserializeAnnotations(NullableString(r, 5)),
            r.GetFieldValue<DateTimeOffset>(6));

    // The store's own callers (tests, tools) see the interface's actor-less overloads too.
    public Task<DeleteOutcome> DeleteManifestAsync(string repository, Digest digest, TagGuard? guard, CancellationToken ct) =>
        DeleteManifestAsync(repository, digest, guard, null, ct);

    public Task<DeleteOutcome> DeleteTagAsync(string repository, string tag, TagGuard? guard, CancellationToken ct) =>
        DeleteTagAsync(repository, tag, guard, null, ct);

    public async Task<DeleteOutcome> DeleteManifestAsync(string repository, Digest digest, TagGuard? guard, string? actor, CancellationToken ct)
    {
        await using var db = await BeginWriteAsync(ct);
        if (await LockRepositoryAsync(db, repository, ct) is not long repositoryId) return DeleteOutcome.NotFound;
        if (guard is not null)
        {
            var tags = await db.QueryAsync("SELECT name FROM tags WHERE repository_id = @repo AND manifest_digest = @digest;",
                r => r.GetString(0), ct, ("repo", repositoryId), ("digest", digest.ToString()));
            if (tags.Any(guard.IsProtected)) return DeleteOutcome.Protected;
        }
        int deleted = await db.ExecuteAsync(
            """
            INSERT INTO tag_history (repository_id, tag, old_digest, new_digest, at, actor)
                SELECT repository_id, name, manifest_digest, NULL, @now, CAST(@actor AS text) FROM tags WHERE repository_id = @repo AND manifest_digest = @digest
                ORDER BY name;
            DELETE FROM tags WHERE repository_id = @repo AND manifest_digest = @digest;
            DELETE FROM manifests WHERE repository_id = @repo AND digest = @digest;
            """,
            ct, ("repo", repositoryId), ("digest", digest.ToString()), ("now", Now()), ("actor", actor));
        if (deleted == 0) return DeleteOutcome.NotFound; // nothing to undo: a tag cannot point at an absent manifest
        await db.CommitAsync(ct);
        return DeleteOutcome.Deleted;
    }

    public async Task<DeleteOutcome> DeleteTagAsync(string repository, string tag, TagGuard? guard, string? actor, CancellationToken ct)
    {
        await using var db = await BeginWriteAsync(ct);
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
            ct, ("repo", repositoryId), ("tag", tag), ("now", Now()), ("actor", actor));
        if (deleted == 0) return DeleteOutcome.NotFound;
        await db.CommitAsync(ct);
        return DeleteOutcome.Deleted;
    }

    public async Task<IReadOnlyList<ManifestSummary>> ListManifestsAsync(string repository, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
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
            r => new ManifestSummary(Digest.Parse(r.GetString(0)), r.GetString(1),
                NullableString(r, 2) is { } subject ? Digest.Parse(subject) : null, r.GetFieldValue<DateTimeOffset>(3),
                tags[r.GetString(0)].ToList()),
            ct, ("name", repository));
    }

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await ConnectAsync(ct);
        return await db.QueryAsync(
            """
            SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id
            WHERE r.name = @name AND t.name > @last ORDER BY t.name LIMIT @limit;
            """,
            r => r.GetString(0), ct, ("name", repository), ("last", last ?? ""), ("limit", limit));
    }

    public async Task<IReadOnlyList<ReferrerRecord>> ListReferrersAsync(string repository, Digest subject, string? artifactType, CancellationToken ct)
    {
        await using var db = await ConnectAsync(ct);
        return await db.QueryAsync(
            """
            SELECT m.digest, m.media_type, m.size, m.artifact_type, m.annotations_json
            FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.name = @name AND m.subject_digest = @subject AND (@type::text IS NULL OR m.artifact_type = @type::text)
            ORDER BY m.created_at, m.digest;
            """,
            r => new ReferrerRecord(Digest.Parse(r.GetString(0)), r.GetString(1), r.GetInt64(2), NullableString(r, 3),
                DeserializeAnnotations(NullableString(r, 4))),
            ct, ("name", repository), ("subject", subject.ToString()), ("type", artifactType));
    }

    /// <summary>
    /// The first of <paramref name="digests"/>, in order, that <paramref name="table"/> lacks for the repository.
    /// The rows found stay locked (FOR KEY SHARE) until the put commits, so no unlink or delete can slip in between.
    /// </summary>
    private static async Task<Digest?> FirstMissingAsync(PostgresSession db, long? repositoryId, string table, IReadOnlyList<Digest> digests, CancellationToken ct)
    {
        if (digests.Count == 0) return null;
        if (repositoryId is null) return digests[0];
        var present = (await db.QueryAsync(
            $"SELECT x.digest FROM {table} x WHERE x.repository_id = @repo AND x.digest = ANY(@digests) FOR KEY SHARE;",
            r => r.GetString(0), ct, ("repo", repositoryId), ("digests", digests.Select(d => d.ToString()).ToArray()))).ToHashSet(StringComparer.Ordinal);
        foreach (var digest in digests)
        {
            if (!present.Contains(digest.ToString())) return digest;
        }
        return null;
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string? SerializeAnnotations(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is null ? null : JsonSerializer.Serialize(annotations, PostgresJsonContext.Default.IReadOnlyDictionaryStringString);

    private static Dictionary<string, string>? DeserializeAnnotations(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, PostgresJsonContext.Default.DictionaryStringString);
}

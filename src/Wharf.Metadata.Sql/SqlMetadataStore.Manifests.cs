using System.Data.Common;
using System.Text.Json;
using Wharf.Core;

namespace Wharf.Metadata.Sql;

public sealed partial class SqlMetadataStore
{
    public async Task<ManifestPutResult> PutManifestAsync(ManifestPut put, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(put);
        var manifest = put.Manifest;
        await using var db = await _database.BeginWriteAsync(ct);
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
            ("annotations", SerializeAnnotations(manifest.Annotations)), ("createdAt", Dialect.Time(manifest.CreatedAt)));

        string? old = null;
        if (put.Tag is { } tag)
        {
            // The repository lock makes this read-then-write a move from exactly the state it read.
            old = await db.ScalarAsync("SELECT manifest_digest FROM tags WHERE repository_id = @repo AND name = @tag;",
                ct, ("repo", repositoryId), ("tag", tag)) as string;
            // Refusing returns before the commit: the transaction rolls back, so nothing of the put is stored.
            if (old is not null && old != digest && put.Guard?.IsProtected(tag) == true)
                return new ManifestPutResult(ManifestPutOutcome.TagProtected, Current: Digest.Parse(old));
            if (old != digest) await MoveTagAsync(db, repositoryId, tag, old, digest, put.Actor, ct);
        }
        await db.CommitAsync(ct);
        return new ManifestPutResult(ManifestPutOutcome.Stored, Previous: old is not null && old != digest ? Digest.Parse(old) : null);
    }

    public Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken ct) =>
        ReadManifestAsync("FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.name = @name AND m.digest = @digest",
            ct, ("name", repository), ("digest", digest.ToString()));

    public async Task<Digest?> ResolveTagAsync(string repository, string tag, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        var digest = await db.ScalarAsync(
            "SELECT t.manifest_digest FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = @name AND t.name = @tag;",
            ct, ("name", repository), ("tag", tag)) as string;
        return digest is null ? null : Digest.Parse(digest);
    }

    public Task<ManifestRecord?> GetTaggedManifestAsync(string repository, string tag, CancellationToken ct) =>
        ReadManifestAsync(
            """
            FROM tags t JOIN repositories r ON r.id = t.repository_id
                JOIN manifests m ON m.repository_id = t.repository_id AND m.digest = t.manifest_digest
            WHERE r.name = @name AND t.name = @tag
            """,
            ct, ("name", repository), ("tag", tag));

    public async Task<IReadOnlyList<ReferrerRecord>> ListReferrersAsync(string repository, Digest subject, string? artifactType, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        return await db.QueryAsync(
            """
            SELECT m.digest, m.media_type, m.size, m.artifact_type, m.annotations_json
            FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.name = @name AND m.subject_digest = @subject AND (CAST(@type AS text) IS NULL OR m.artifact_type = CAST(@type AS text))
            ORDER BY m.created_at, m.digest;
            """,
            r => new ReferrerRecord(Digest.Parse(r.GetString(0)), r.GetString(1), r.GetInt64(2), NullableString(r, 3),
                DeserializeAnnotations(NullableString(r, 4))),
            ct, ("name", repository), ("subject", subject.ToString()), ("type", artifactType));
    }

    /// <summary>The one manifest <paramref name="fromWhere"/> finds (aliased <c>m</c>), both manifest reads in one shape.</summary>
    private async Task<ManifestRecord?> ReadManifestAsync(string fromWhere, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var db = await _database.ConnectAsync(ct);
        var rows = await db.QueryAsync(
            $"SELECT m.digest, m.media_type, m.content, m.artifact_type, m.subject_digest, m.annotations_json, m.created_at {fromWhere};",
            ReadManifest, ct, parameters);
        return rows.Count == 0 ? null : rows[0];
    }

    private ManifestRecord ReadManifest(DbDataReader r) =>
        new(Digest.Parse(r.GetString(0)), r.GetString(1), r.GetFieldValue<byte[]>(2), NullableString(r, 3),
            NullableDigest(r, 4), DeserializeAnnotations(NullableString(r, 5)), Dialect.ReadTime(r, 6));

    /// <summary>
    /// The first of <paramref name="digests"/>, in order, that <paramref name="table"/> lacks for the repository.
    /// The rows found stay held (ShareKeys) until the put commits, so no unlink or delete can slip in between.
    /// </summary>
    private async Task<Digest?> FirstMissingAsync(SqlSession db, long? repositoryId, string table, IReadOnlyList<Digest> digests, CancellationToken ct)
    {
        if (digests.Count == 0) return null;
        if (repositoryId is null) return digests[0];
        var distinct = digests.Select(d => d.ToString()).Distinct(StringComparer.Ordinal).ToList();
        var parameters = new List<(string, object?)> { ("repo", repositoryId) };
        parameters.AddRange(distinct.Select((d, i) => ($"d{i}", (object?)d)));
        string list = string.Join(", ", distinct.Select((_, i) => $"@d{i}"));
        var present = (await db.QueryAsync(
            $"SELECT x.digest FROM {table} x WHERE x.repository_id = @repo AND x.digest IN ({list}){Dialect.ShareKeys};",
            r => r.GetString(0), ct, [.. parameters])).ToHashSet(StringComparer.Ordinal);
        foreach (var digest in digests)
        {
            if (!present.Contains(digest.ToString())) return digest;
        }
        return null;
    }

    private static string? SerializeAnnotations(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is null ? null : JsonSerializer.Serialize(annotations, SqlJsonContext.Default.IReadOnlyDictionaryStringString);

    private static Dictionary<string, string>? DeserializeAnnotations(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, SqlJsonContext.Default.DictionaryStringString);
}

using System.Data.Common;
using System.Text;
using Wharf.Core;
using Wharf.Core.Catalog;

namespace Wharf.Metadata.Sql;

public sealed partial class SqlModelCatalogStore
{
    private string VersionColumns =>
        $"""
        v.id, r.name, v.digest, v.kind, v.status, v.error, v.name, v.format, v.architecture, v.parameter_count, v.quantization,
        v.licenses, v.search_text, v.metadata_json, v.files_json, v.lineage_json, v.card_json, v.errors_json, v.indexed_at,
        m.subject_digest, m.created_at, v.card_text,
        {Dialect.SortedList("t.name", "FROM tags t WHERE t.repository_id = v.repository_id AND t.manifest_digest = v.digest")}
        FROM model_versions v JOIN repositories r ON r.id = v.repository_id
        JOIN manifests m ON m.repository_id = v.repository_id AND m.digest = v.digest
        """;

    public async Task<ModelVersionRecord?> GetVersionAsync(string repository, Digest digest, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        var rows = await db.QueryAsync($"SELECT {VersionColumns} WHERE r.name = @name AND v.digest = @digest;", ReadVersion, ct,
            ("name", repository), ("digest", digest.ToString()));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<ModelVersionRecord>> SearchAsync(ModelQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit <= 0) return [];
        // Text compares byte-wise and lower() folds ASCII only, on every engine and whatever the database's locale.
        string byteWise = Dialect.ByteWise;
        var where = new StringBuilder("1 = 1");
        var parameters = new List<(string, object?)> { ("limit", query.Limit) };
        void Equal(string column, string? value, string name)
        {
            if (value is null) return;
            where.Append($" AND lower({column}) = lower(CAST(@{name} AS text) {byteWise})");
            parameters.Add((name, value));
        }
        Equal("v.kind", query.Kind, "kind");
        Equal("v.format", query.Format, "format");
        Equal("v.architecture", query.Architecture, "arch");
        Equal("v.quantization", query.Quantization, "quant");
        Equal("r.name", query.Repository, "repo");
        if (query.License is { } license)
        {
            where.Append($" AND {Dialect.ListHas("v.licenses", $"lower(CAST(@license AS text) {byteWise})")}");
            parameters.Add(("license", license));
        }
        if (query.Text is { } text)
        {
            // Stored text is lowered in .NET, so the query is too (lower() in SQL folds ASCII only).
            string needle = "CAST(@text AS text)";
            where.Append($" AND ({Dialect.Contains("v.search_text", needle)} OR {Dialect.Contains("r.name", needle)}"
                + $" OR {Dialect.Contains("v.card_text", needle)})");
            parameters.Add(("text", text.ToLowerInvariant()));
        }
        if (query.Namespace is { } ns)
        {
            where.Append(" AND (r.name = CAST(@ns AS text) OR substr(r.name, 1, length(CAST(@ns AS text)) + 1) = CAST(@ns AS text) || '/')");
            parameters.Add(("ns", ns));
        }
        if (query.MinParameters is { } min) { where.Append(" AND v.parameter_count >= @min"); parameters.Add(("min", min)); }
        if (query.MaxParameters is { } max) { where.Append(" AND v.parameter_count <= @max"); parameters.Add(("max", max)); }
        if (!query.IncludeAttachments) where.Append(" AND m.subject_digest IS NULL");
        if (query.Before is { } before) { where.Append(" AND v.id < @before"); parameters.Add(("before", before)); }

        await using var db = await _database.ConnectAsync(ct);
        return await db.QueryAsync($"SELECT {VersionColumns} WHERE {where} ORDER BY v.id DESC LIMIT @limit;", ReadVersion, ct, [.. parameters]);
    }

    public async Task<IReadOnlyList<TagInfo>> ListTagsAsync(string repository, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        return await db.QueryAsync(
            "SELECT t.name, t.manifest_digest, t.updated_at FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = @name ORDER BY t.name;",
            r => new TagInfo(r.GetString(0), Digest.Parse(r.GetString(1)), Dialect.ReadTime(r, 2)),
            ct, ("name", repository));
    }

    public async Task<IReadOnlyList<TagMove>> ListTagHistoryAsync(string repository, string? tag, long? before, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await _database.ConnectAsync(ct);
        return await db.QueryAsync(
            """
            SELECT h.id, h.tag, h.old_digest, h.new_digest, h.at, h.actor FROM tag_history h JOIN repositories r ON r.id = h.repository_id
            WHERE r.name = @name AND (CAST(@tag AS text) IS NULL OR h.tag = CAST(@tag AS text))
                AND (CAST(@before AS bigint) IS NULL OR h.id < CAST(@before AS bigint))
            ORDER BY h.id DESC LIMIT @limit;
            """,
            r => new TagMove(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : Digest.Parse(r.GetString(2)),
                r.IsDBNull(3) ? null : Digest.Parse(r.GetString(3)), Dialect.ReadTime(r, 4),
                r.IsDBNull(5) ? null : r.GetString(5)),
            ct, ("name", repository), ("tag", tag), ("before", before), ("limit", limit));
    }

    private ModelVersionRecord ReadVersion(DbDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new ModelVersionRecord
        {
            Cursor = r.GetInt64(0), Repository = r.GetString(1), Digest = Digest.Parse(r.GetString(2)), Kind = r.GetString(3),
            Status = r.GetString(4), Error = S(5), Name = S(6), Format = S(7), Architecture = S(8),
            ParameterCount = r.IsDBNull(9) ? null : r.GetInt64(9), Quantization = S(10),
            Licenses = Dialect.ReadList(r, 11), SearchText = r.GetString(12),
            MetadataJson = r.GetString(13), FilesJson = r.GetString(14), LineageJson = S(15), CardJson = S(16), ErrorsJson = r.GetString(17),
            IndexedAt = Dialect.ReadTime(r, 18),
            Subject = S(19) is { } subject ? Digest.Parse(subject) : null,
            PushedAt = Dialect.ReadTime(r, 20),
            CardText = S(21),
            Tags = Dialect.ReadList(r, 22),
        };
    }
}

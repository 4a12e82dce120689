using System.Data.Common;
using Wharf.Metadata.Sql;

namespace Wharf.Metadata.Postgres;

/// <summary>
/// PostgreSQL's spelling of the SQL stores, for any number of replicas on one database. Times are timestamptz;
/// writes are READ COMMITTED transactions that take row locks, so work in different repositories goes on in parallel.
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    private PostgresDialect() { }

    public override IReadOnlyList<string> Migrations => PostgresMigrations.Scripts;

    // Its own old versions 1 to 4 each ran the shared versions up to 2, 4, 5 and 6.
    public override IReadOnlyList<int> LegacyVersions { get; } = [2, 4, 5, 6];

    // pg_advisory_xact_lock key 0x5768_6172_664D_6967 ("WharfMig"): processes starting together migrate one by one.
    public override string? MigrationLock => "SELECT pg_advisory_xact_lock(6298391222848153959);";

    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(ct);

    public override string TimeType => "timestamptz";

    // timestamptz takes only UTC offsets from Npgsql.
    public override object Time(DateTimeOffset at) => at.ToUniversalTime();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override string LockRepository => " FOR NO KEY UPDATE";

    public override string ShareKeys => " FOR KEY SHARE";

    public override string LockRows => " FOR UPDATE";

    public override string SkipLockedRows => " FOR UPDATE SKIP LOCKED";

    public override string ByteWise => "COLLATE \"C\"";

    public override string Least => "least";

    // strpos, not LIKE: the text is matched as it is, with no wildcards to escape.
    public override string Contains(string haystack, string needle) => $"strpos({haystack}, {needle}) > 0";

    public override string ListType => "text[]";

    public override object? List(IReadOnlyList<string> items) => items.Count == 0 ? null : items.ToArray();

    public override IReadOnlyList<string> ReadList(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : reader.GetFieldValue<string[]>(ordinal);

    public override string ListHas(string list, string item) => $"{item} = ANY ({list})";

    public override string SortedList(string column, string fromWhere) => $"(SELECT array_agg({column} ORDER BY {column}) {fromWhere})";
}

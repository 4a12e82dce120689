using System.Data.Common;
using Microsoft.Data.Sqlite;
using Wharf.Metadata.Sql;

namespace Wharf.Metadata.Sqlite;

/// <summary>
/// SQLite's spelling of the SQL stores. Times are unix milliseconds (INTEGER). A write transaction is
/// <c>BEGIN IMMEDIATE</c>: it holds the database's one write lock from its start, so it never has to upgrade from
/// reader to writer (which in WAL mode fails with SQLITE_BUSY instead of waiting), and no row lock is needed.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    private SqliteDialect() { }

    public override IReadOnlyList<string> Migrations => SqliteMigrations.Scripts;

    // SQLite's own numbering was already the shared one.
    public override IReadOnlyList<int> LegacyVersions { get; } = [1, 2, 3, 4, 5, 6];

    // journal_mode is stored in the database file, and cannot change inside a transaction.
    public override async Task BeforeMigrationAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        await command.ExecuteNonQueryAsync(ct);
    }

    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override string TimeType => "INTEGER";

    public override object Time(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    // The write transaction already holds every other writer off: no lock clauses (SQLite has none).
    public override string LockRepository => "";

    public override string ShareKeys => "";

    public override string LockRows => "";

    public override string SkipLockedRows => "";

    public override string ByteWise => "COLLATE BINARY";

    public override string Least => "min";

    public override string Contains(string haystack, string needle) => $"instr({haystack}, {needle}) > 0";

    // Lists are text, one item per line, framed by newlines ("\napache-2.0\nmit\n"), so a match is one instr().
    public override string ListType => "TEXT";

    public override object? List(IReadOnlyList<string> items) => items.Count == 0 ? null : "\n" + string.Join("\n", items) + "\n";

    public override IReadOnlyList<string> ReadList(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : reader.GetString(ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ListHas(string list, string item) => $"instr({list}, char(10) || {item} || char(10)) > 0";

    public override string SortedList(string column, string fromWhere) =>
        $"(SELECT group_concat(x.v, char(10)) FROM (SELECT {column} AS v {fromWhere} ORDER BY {column}) x)";
}

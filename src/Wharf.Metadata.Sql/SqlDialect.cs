using System.Data.Common;

namespace Wharf.Metadata.Sql;

/// <summary>
/// What differs between the engines the SQL stores run on, and nothing else: every statement is written once,
/// with <c>@name</c> parameters, and asks the dialect only for the words and types the engines spell apart.
/// Lock clauses are empty where the engine's write transaction already excludes other writers.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>The schema scripts in the numbering both engines share: version N is <c>Migrations[N - 1]</c>.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>
    /// Where this engine's own earlier numbering lands in the shared one: a database its old builds left at version
    /// k holds exactly the shared versions 1 to <c>LegacyVersions[k - 1]</c>.
    /// </summary>
    public abstract IReadOnlyList<int> LegacyVersions { get; }

    /// <summary>A statement that serializes migrating processes inside the migration transaction, if the transaction does not.</summary>
    public virtual string? MigrationLock => null;

    /// <summary>Runs on its own connection, outside any transaction, before the migration transaction begins.</summary>
    public virtual Task BeforeMigrationAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    /// <summary>A transaction that may write; on engines with one writer, it holds the write lock from its start.</summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>The column type times are stored in.</summary>
    public abstract string TimeType { get; }

    /// <summary>A time as the engine's time columns hold it.</summary>
    public abstract object Time(DateTimeOffset at);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public object? Time(DateTimeOffset? at) => at is { } value ? Time(value) : null;

    public DateTimeOffset? ReadTimeOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    /// <summary>Appended to the select of a repository row: holds other name changes in it off until commit.</summary>
    public abstract string LockRepository { get; }

    /// <summary>Appended to a select of rows a write depends on: they cannot be deleted until commit.</summary>
    public abstract string ShareKeys { get; }

    /// <summary>Appended to a select of rows this transaction is about to change.</summary>
    public abstract string LockRows { get; }

    /// <summary>Appended to a select of queue rows to claim: rows another claimer holds are passed over, not waited for.</summary>
    public abstract string SkipLockedRows { get; }

    /// <summary>The collation clause that compares and folds text byte-wise, whatever the database's locale.</summary>
    public abstract string ByteWise { get; }

    /// <summary>The two-argument smallest-of function.</summary>
    public abstract string Least { get; }

    /// <summary>A condition: <paramref name="haystack"/> holds <paramref name="needle"/> as it is (no wildcards).</summary>
    public abstract string Contains(string haystack, string needle);

    /// <summary>The column type a list of strings is stored in.</summary>
    public abstract string ListType { get; }

    /// <summary>A list of strings as a list column holds it (null for none).</summary>
    public abstract object? List(IReadOnlyList<string> items);

    /// <summary>A stored list, or a <see cref="SortedList"/>; null reads as empty.</summary>
    public abstract IReadOnlyList<string> ReadList(DbDataReader reader, int ordinal);

    /// <summary>A condition: the list column <paramref name="list"/> holds <paramref name="item"/>.</summary>
    public abstract string ListHas(string list, string item);

    /// <summary>A scalar subquery: the values of <paramref name="column"/> over <paramref name="fromWhere"/>, byte order, as a list.</summary>
    public abstract string SortedList(string column, string fromWhere);
}

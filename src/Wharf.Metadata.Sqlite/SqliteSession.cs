using Microsoft.Data.Sqlite;

namespace Wharf.Metadata.Sqlite;

/// <summary>
/// One pooled connection, and for writes one <c>BEGIN IMMEDIATE</c> transaction, for the span of one store
/// operation. Taking the write lock up front means a transaction never has to upgrade from reader to writer,
/// which in WAL mode fails with SQLITE_BUSY instead of waiting. Disposing without commit rolls back.
/// </summary>
internal sealed class SqliteSession : IAsyncDisposable
{
    // Per connection; none of these touch the disk. synchronous=FULL: durable before visible. The pragma that
    // returns a row goes last (see ExecuteAsync on multi-statement batches).
    private const string ConnectionPragmas = "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;";

    // The pool hands the same native connection out again and again; the pragmas need to run only on its first
    // open (parsing them on every open was a third of a small request's SQLite time).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Prepared = new();

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction? _transaction;

    private SqliteSession(SqliteConnection connection, SqliteTransaction? transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<SqliteSession> OpenAsync(string connectionString, bool write, CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            var native = connection.Handle!;
            if (!Prepared.TryGetValue(native, out _))
            {
                using (var pragmas = connection.CreateCommand())
                {
                    pragmas.CommandText = ConnectionPragmas;
                    await pragmas.ExecuteNonQueryAsync(ct);
                }
                Prepared.AddOrUpdate(native, native);
            }
            var transaction = write ? connection.BeginTransaction(deferred: false) : null;
            return new SqliteSession(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/>. Several statements in one call only inside a write transaction: when a
    /// statement after one that returns rows hits SQLITE_BUSY, Microsoft.Data.Sqlite returns -1 instead of
    /// throwing, and the write silently does not happen. Holding the write lock rules that out.
    /// </summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> map, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    public Task CommitAsync(CancellationToken ct) =>
        (_transaction ?? throw new InvalidOperationException("a read session has nothing to commit")).CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null) await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}

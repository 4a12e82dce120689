using System.Data.Common;

namespace Wharf.Metadata.Sql;

/// <summary>
/// One pooled connection, and for writes one transaction, for the span of one store operation. Disposing without
/// commit rolls back. Parameters are named without their <c>@</c> (both providers match them to <c>@name</c> in
/// the text); a null value is sent as SQL NULL.
/// </summary>
internal sealed class SqlSession : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly DbTransaction? _transaction;

    private SqlSession(DbConnection connection, DbTransaction? transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<SqlSession> OpenAsync(DbDataSource dataSource, SqlDialect dialect, bool write, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = write ? await dialect.BeginWriteAsync(connection, ct) : null;
            return new SqlSession(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/>, answering the rows it changed. Several statements in one call only inside a
    /// write transaction: on SQLite a statement after one that returns rows that hits SQLITE_BUSY reports -1 instead
    /// of throwing, and holding the write lock rules that out.
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

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken ct, params (string Name, object? Value)[] parameters)
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

    private DbCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}

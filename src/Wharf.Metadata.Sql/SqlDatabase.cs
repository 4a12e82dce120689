using System.Data.Common;

namespace Wharf.Metadata.Sql;

/// <summary>
/// One metadata database: the connection pool every SQL store of a process shares, the engine's dialect and the
/// clock. Each store operation takes its own pooled connection, so the stores are safe to share across requests.
/// Disposing closes the pool.
/// </summary>
public sealed class SqlDatabase : IAsyncDisposable, IDisposable
{
    private readonly DbDataSource _dataSource;

    public SqlDatabase(DbDataSource dataSource, SqlDialect dialect, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(dialect);
        _dataSource = dataSource;
        Dialect = dialect;
        Time = timeProvider ?? TimeProvider.System;
    }

    public SqlDialect Dialect { get; }

    public TimeProvider Time { get; }

    /// <summary>Creates or upgrades the schema; any number of processes may call it at once.</summary>
    public Task MigrateAsync(CancellationToken ct) => SqlMigrations.MigrateAsync(this, ct);

    /// <summary>A connection in autocommit mode: for reads and single-statement writes.</summary>
    internal Task<SqlSession> ConnectAsync(CancellationToken ct) => SqlSession.OpenAsync(_dataSource, Dialect, write: false, ct);

    /// <summary>A connection in a write transaction, for changes of several rows that must be seen together or not at all.</summary>
    internal Task<SqlSession> BeginWriteAsync(CancellationToken ct) => SqlSession.OpenAsync(_dataSource, Dialect, write: true, ct);

    internal async Task<DbConnection> OpenConnectionAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    /// <summary>The clock's now, as the time columns hold it.</summary>
    internal object Now() => Dialect.Time(Time.GetUtcNow());

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}

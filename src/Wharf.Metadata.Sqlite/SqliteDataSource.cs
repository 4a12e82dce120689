using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Wharf.Metadata.Sqlite;

/// <summary>
/// Pooled connections to one SQLite file, each set up for the stores on its first open. Disposing closes the
/// file's idle pooled connections (tests delete the file afterwards; hosts shut down).
/// </summary>
internal sealed class SqliteDataSource : DbDataSource
{
    // Per connection; none of these touch the disk. synchronous=FULL: durable before visible. The pragma that
    // returns a row goes last.
    private const string ConnectionPragmas = "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;";

    // The pool hands the same native connection out again and again; the pragmas need to run only on its first
    // open (parsing them on every open was a third of a small request's SQLite time).
    private static readonly ConditionalWeakTable<object, object> Prepared = new();

    private readonly string _connectionString;

    public SqliteDataSource(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    public override string ConnectionString => _connectionString;

    protected override DbConnection CreateDbConnection() => new SqliteConnection(_connectionString);

    protected override DbConnection OpenDbConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            PrepareOnce(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            PrepareOnce(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // In memory only (no disk), so the async open runs it synchronously too.
    private static void PrepareOnce(SqliteConnection connection)
    {
        var native = connection.Handle!;
        if (Prepared.TryGetValue(native, out _)) return;
        using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = ConnectionPragmas;
            pragmas.ExecuteNonQuery();
        }
        Prepared.AddOrUpdate(native, native);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) ClearPool();
        base.Dispose(disposing);
    }

    protected override ValueTask DisposeAsyncCore()
    {
        ClearPool();
        return base.DisposeAsyncCore();
    }

    private void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}

using Npgsql;
using Wharf.Metadata.Sql;

namespace Wharf.Metadata.Postgres;

public static class PostgresMetadata
{
    /// <summary>The metadata database at <paramref name="connectionString"/>, on one Npgsql data source (one pool).</summary>
    public static SqlDatabase Open(string connectionString, TimeProvider? timeProvider = null)
    {
        CheckConnectionString(connectionString);
        return new SqlDatabase(NpgsqlDataSource.Create(connectionString), PostgresDialect.Instance, timeProvider);
    }

    /// <summary>Throws a message that names the setting, never the string itself (it may hold a password).</summary>
    public static void CheckConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"not a valid PostgreSQL connection string ({e.Message})", nameof(connectionString));
        }
    }
}

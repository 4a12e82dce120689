using Npgsql;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// Which metadata store the servers the tests start use. By default each keeps SQLite in its data folder; with
/// <c>WHARF_TEST_METADATA=postgres</c> each gets a fresh database on the PostgreSQL server whose admin connection
/// string is <c>WHARF_TEST_POSTGRES</c> (scripts/postgres.sh starts one; ./test runs Protocol and Clients this way
/// a second time). A test that configures the metadata store itself keeps its own choice.
/// </summary>
public static class TestMetadata
{
    public const string Variable = "WHARF_TEST_METADATA";
    public const string PostgresVariable = "WHARF_TEST_POSTGRES";

    public static bool UsesPostgres =>
        string.Equals(Environment.GetEnvironmentVariable(Variable), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The options with the metadata store configured, and the database created for them (null: SQLite, or a
    /// database the options already name). Replicas need one shared database, so they get PostgreSQL whatever
    /// <c>WHARF_TEST_METADATA</c> says.
    /// </summary>
    public static async Task<(WharfOptions Options, string? ConnectionString)> ApplyAsync(WharfOptions options, bool forcePostgres, CancellationToken ct)
    {
        if (!(UsesPostgres || forcePostgres) || options.Environment.ContainsKey("WHARF__METADATA__KIND")) return (options, null);
        string connectionString = await CreateDatabaseAsync(ct);
        var environment = new Dictionary<string, string>(options.Environment)
        {
            ["WHARF__METADATA__KIND"] = "postgres",
            ["WHARF__METADATA__CONNECTIONSTRING"] = connectionString,
        };
        return (options with { Environment = environment }, connectionString);
    }

    /// <summary>Throws unless the server migrated its database: proof the run really is on PostgreSQL.</summary>
    public static async Task CheckMigratedAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM schema_migrations;", connection);
        if ((long)(await command.ExecuteScalarAsync(ct))! == 0)
            throw new InvalidOperationException("the server started but did not migrate its PostgreSQL database");
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        string name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var connection = new NpgsqlConnection(Admin().ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>An empty database on the test server; its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(CancellationToken ct)
    {
        var admin = Admin();
        string name = "wharf_e2e_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        return new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder Admin()
    {
        string? admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
            throw new InvalidOperationException($"{Variable}=postgres needs {PostgresVariable}, the admin connection string of a PostgreSQL "
                + "server to create databases on: run eval \"$(scripts/postgres.sh start)\", or ./test, which does.");
        return new NpgsqlConnectionStringBuilder(admin) { Pooling = false };
    }
}

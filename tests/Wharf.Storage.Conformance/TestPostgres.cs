using Npgsql;

namespace Wharf.Storage.Conformance;

/// <summary>
/// Fresh databases on the test PostgreSQL server named by <see cref="Variable"/> (scripts/postgres.sh starts one).
/// Each database uses a linguistic ICU collation by default, so a query that forgets COLLATE "C" sorts wrong and
/// the byte-order tests catch it.
/// </summary>
internal static class TestPostgres
{
    public const string Variable = "WHARF_TEST_POSTGRES";

    public const string Hint =
        "It is the admin connection string of a PostgreSQL server the tests may create databases on: ./test starts one "
        + "(scripts/postgres.sh start), or run eval \"$(scripts/postgres.sh start)\" yourself.";

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public static async Task<string> CreateDatabaseAsync(Type testClass)
    {
        var admin = Admin(testClass);
        string name = "wharf_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US';", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Drops the database, closing whatever connections are still open on it.</summary>
    public static async Task DropDatabaseAsync(Type testClass, string connectionString)
    {
        string name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var connection = new NpgsqlConnection(Admin(testClass).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static NpgsqlConnectionStringBuilder Admin(Type testClass) =>
        new(NeedsEnvironmentAttribute.Require(testClass, Variable)) { Pooling = false };
}

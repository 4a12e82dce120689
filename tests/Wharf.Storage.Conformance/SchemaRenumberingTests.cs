using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Wharf.Metadata.Postgres;
using Wharf.Metadata.Sql;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

/// <summary>
/// A database that builds before the shared migration numbering left behind upgrades without running or skipping
/// anything. The old database is made as those builds made it: their scripts (whose SQL the shared versions hold
/// unchanged, split finer on PostgreSQL), their version rows, and no numbering table.
/// </summary>
public abstract class SchemaRenumberingTests : IAsyncLifetime
{
    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>A fresh empty database of the engine under test.</summary>
    protected abstract Task<SqlDatabase> CreateDatabaseAsync();

    protected abstract Task<DbConnection> ConnectAsync();

    /// <summary>The engine's own old numbering: old version k ran these shared versions (1-based) together.</summary>
    protected abstract IReadOnlyList<int[]> OldVersions { get; }

    protected abstract SqlDialect Dialect { get; }

    protected SqlDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync() => Database = await CreateDatabaseAsync();

    public virtual async Task DisposeAsync() => await Database.DisposeAsync();

    /// <summary>Makes the database an old build at its <paramref name="oldVersion"/> would have left.</summary>
    private async Task CreateOldSchemaAsync(int oldVersion)
    {
        await using var connection = await ConnectAsync();
        await ExecuteAsync(connection, $"CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at {Dialect.TimeType} NOT NULL);");
        for (int old = 1; old <= oldVersion; old++)
        {
            foreach (int shared in OldVersions[old - 1]) await ExecuteAsync(connection, Dialect.Migrations[shared - 1]);
            await using var row = connection.CreateCommand();
            row.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at);";
            Add(row, "version", old);
            Add(row, "at", Dialect.Time(DateTimeOffset.UtcNow));
            await row.ExecuteNonQueryAsync();
        }
    }

    private async Task<List<long>> VersionsAsync()
    {
        await using var connection = await ConnectAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations ORDER BY version;";
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<long>();
        while (await reader.ReadAsync()) versions.Add(Convert.ToInt64(reader.GetValue(0)));
        return versions;
    }

    [StoreFact]
    public async Task The_newest_old_database_upgrades_to_the_shared_numbering_and_keeps_its_data()
    {
        await CreateOldSchemaAsync(OldVersions.Count);
        await using (var connection = await ConnectAsync())
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO repositories (name, created_at) VALUES ('team/old', @at);";
            Add(insert, "at", Dialect.Time(DateTimeOffset.UtcNow));
            await insert.ExecuteNonQueryAsync();
        }

        await Database.MigrateAsync(Ct); // would fail re-running a CREATE TABLE, or leave a table out when skipping
        await Database.MigrateAsync(Ct);

        Assert.Equal(Enumerable.Range(1, Dialect.Migrations.Count).Select(v => (long)v), await VersionsAsync());
        var store = new SqlMetadataStore(Database);
        await store.LinkBlobAsync("team/old", TestData.DigestOf("a"), 7, Ct);
        Assert.Equal(7, await store.GetLinkedBlobSizeAsync("team/old", TestData.DigestOf("a"), Ct));
        Assert.True(await store.TryAcquireAsync("gc", "me", TimeSpan.FromMinutes(1), Ct));
        Assert.Empty(await new SqlModelCatalogStore(Database).SearchAsync(new Core.Catalog.ModelQuery { Text = "card" }, Ct)); // card_text is there
    }

    [StoreFact]
    public async Task An_older_database_upgrades_then_runs_exactly_the_versions_it_lacked()
    {
        await CreateOldSchemaAsync(2);
        await Database.MigrateAsync(Ct);

        Assert.Equal(Enumerable.Range(1, Dialect.Migrations.Count).Select(v => (long)v), await VersionsAsync());
        var access = new SqlAccessStore(Database);
        Assert.False(await access.AnyUserAsync(Ct));
        Assert.Null(await new SqlMetadataStore(Database).GetPolicyAsync(Core.Policy.PolicyScope.Namespace("team"), Ct));
    }

    [StoreFact]
    public async Task A_new_database_starts_in_the_shared_numbering()
    {
        await Database.MigrateAsync(Ct);
        await Database.MigrateAsync(Ct);
        Assert.Equal(Enumerable.Range(1, Dialect.Migrations.Count).Select(v => (long)v), await VersionsAsync());
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

public sealed class SqliteSchemaRenumberingTests : SchemaRenumberingTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wharf-renumber-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "wharf.db");

    // SQLite's own numbering was one script a version, as the shared one is.
    protected override IReadOnlyList<int[]> OldVersions => [[1], [2], [3], [4], [5], [6]];

    protected override SqlDialect Dialect => SqliteDialect.Instance;

    protected override Task<SqlDatabase> CreateDatabaseAsync() => Task.FromResult(SqliteMetadata.Open(DatabasePath));

    protected override async Task<DbConnection> ConnectAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}

[NeedsEnvironment(TestPostgres.Variable, TestPostgres.Hint)]
public sealed class PostgresSchemaRenumberingTests : SchemaRenumberingTests
{
    private string? _connectionString;

    // PostgreSQL's own version 1 was the core tables with the job leases, 2 access with policies, 3 the catalog, 4 card text.
    protected override IReadOnlyList<int[]> OldVersions => [[1, 2], [3, 4], [5], [6]];

    protected override SqlDialect Dialect => PostgresDialect.Instance;

    protected override async Task<SqlDatabase> CreateDatabaseAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(GetType());
        return PostgresMetadata.Open(_connectionString);
    }

    protected override async Task<DbConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_connectionString is not null) await TestPostgres.DropDatabaseAsync(GetType(), _connectionString);
    }
}

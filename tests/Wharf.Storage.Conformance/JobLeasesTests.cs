using Wharf.Core;
using Wharf.Metadata.Postgres;
using Wharf.Metadata.Sql;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqliteJobLeasesTests : JobLeasesConformance
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wharf-leases-" + Guid.NewGuid().ToString("N"));
    private readonly List<SqlDatabase> _databases = [];

    protected override Task CreateDatabaseAsync() => Task.CompletedTask;

    protected override async Task<IJobLeases> OpenReplicaAsync()
    {
        var database = SqliteMetadata.Open(Path.Combine(_directory, "wharf.db"), Clock);
        _databases.Add(database);
        var store = new SqlMetadataStore(database);
        await store.MigrateAsync(Ct);
        return store;
    }

    protected override Task DisposeDatabaseAsync()
    {
        foreach (var database in _databases) database.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

[NeedsEnvironment(TestPostgres.Variable, TestPostgres.Hint)]
public sealed class PostgresJobLeasesTests : JobLeasesConformance
{
    private readonly List<SqlDatabase> _databases = [];
    private string? _connectionString;

    protected override async Task CreateDatabaseAsync() => _connectionString = await TestPostgres.CreateDatabaseAsync(GetType());

    protected override async Task<IJobLeases> OpenReplicaAsync()
    {
        var database = PostgresMetadata.Open(_connectionString!, Clock);
        _databases.Add(database);
        var store = new SqlMetadataStore(database);
        await store.MigrateAsync(Ct);
        return store;
    }

    protected override async Task DisposeDatabaseAsync()
    {
        foreach (var database in _databases) await database.DisposeAsync();
        if (_connectionString is not null) await TestPostgres.DropDatabaseAsync(GetType(), _connectionString);
    }
}

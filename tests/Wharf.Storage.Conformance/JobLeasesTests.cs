using Wharf.Core;
using Wharf.Metadata.Postgres;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqliteJobLeasesTests : JobLeasesConformance
{
    private readonly TempDirectory _directory = new("wharf-leases");
    private readonly List<SqliteMetadataStore> _stores = [];

    protected override Task CreateDatabaseAsync() => Task.CompletedTask;

    protected override async Task<IJobLeases> OpenReplicaAsync()
    {
        var store = new SqliteMetadataStore(Path.Combine(_directory.Path, "wharf.db"), Clock);
        _stores.Add(store);
        await store.MigrateAsync(Ct);
        return store;
    }

    protected override Task DisposeDatabaseAsync()
    {
        foreach (var store in _stores) store.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

[NeedsEnvironment(TestPostgres.Variable, TestPostgres.Hint)]
public sealed class PostgresJobLeasesTests : JobLeasesConformance
{
    private readonly List<PostgresMetadataStore> _stores = [];
    private string? _connectionString;

    protected override async Task CreateDatabaseAsync() => _connectionString = await TestPostgres.CreateDatabaseAsync(GetType());

    protected override async Task<IJobLeases> OpenReplicaAsync()
    {
        var store = new PostgresMetadataStore(_connectionString!, Clock);
        _stores.Add(store);
        await store.MigrateAsync(Ct);
        return store;
    }

    protected override async Task DisposeDatabaseAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
        if (_connectionString is not null) await TestPostgres.DropDatabaseAsync(GetType(), _connectionString);
    }
}

using Wharf.Core.Access;
using Wharf.Metadata.Postgres;

namespace Wharf.Storage.Conformance;

/// <summary>The access store suite on PostgreSQL, each test on its own fresh database migrated by the metadata store.</summary>
[NeedsEnvironment(TestPostgres.Variable, TestPostgres.Hint)]
public sealed class PostgresAccessStoreTests : AccessStoreConformance
{
    private string? _connectionString;
    private PostgresAccessStore? _store;

    protected override async Task<IAccessStore> CreateStoreAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(GetType());
        await using (var metadata = new PostgresMetadataStore(_connectionString)) await metadata.MigrateAsync(Ct);
        return _store = new PostgresAccessStore(_connectionString);
    }

    protected override async Task DisposeStoreAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        if (_connectionString is not null) await TestPostgres.DropDatabaseAsync(GetType(), _connectionString);
    }
}

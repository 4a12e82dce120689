using Wharf.Core.Access;
using Wharf.Metadata.Postgres;
using Wharf.Metadata.Sql;

namespace Wharf.Storage.Conformance;

/// <summary>The access store suite on PostgreSQL, each test on its own fresh database migrated by the metadata store.</summary>
[NeedsEnvironment(TestPostgres.Variable, TestPostgres.Hint)]
public sealed class PostgresAccessStoreTests : AccessStoreConformance
{
    private string? _connectionString;
    private SqlDatabase? _database;

    protected override async Task<IAccessStore> CreateStoreAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(GetType());
        _database = PostgresMetadata.Open(_connectionString);
        await _database.MigrateAsync(Ct);
        return new SqlAccessStore(_database);
    }

    protected override async Task DisposeStoreAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
        if (_connectionString is not null) await TestPostgres.DropDatabaseAsync(GetType(), _connectionString);
    }
}

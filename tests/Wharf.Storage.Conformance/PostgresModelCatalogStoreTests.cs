using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Metadata.Postgres;

namespace Wharf.Storage.Conformance;

/// <summary>The model catalog conformance suite on PostgreSQL, each test on its own fresh database.</summary>
[NeedsEnvironment(TestPostgres.Variable, TestPostgres.Hint)]
public sealed class PostgresModelCatalogStoreTests : ModelCatalogStoreConformance
{
    private string? _connectionString;
    private PostgresMetadataStore? _metadata;
    private PostgresModelCatalogStore? _catalog;

    protected override async Task<(IMetadataStore Metadata, IModelCatalogStore Catalog)> CreateStoresAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(GetType());
        _metadata = new PostgresMetadataStore(_connectionString);
        _catalog = new PostgresModelCatalogStore(_connectionString);
        return (_metadata, _catalog);
    }

    protected override async Task DisposeStoresAsync()
    {
        if (_catalog is not null) await _catalog.DisposeAsync();
        if (_metadata is not null) await _metadata.DisposeAsync();
        if (_connectionString is not null) await TestPostgres.DropDatabaseAsync(GetType(), _connectionString);
    }
}

using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqliteModelCatalogStoreTests : ModelCatalogStoreConformance
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wharf-catalog-" + Guid.NewGuid().ToString("N"));
    private SqliteMetadataStore? _metadata;

    protected override Task<(IMetadataStore Metadata, IModelCatalogStore Catalog)> CreateStoresAsync()
    {
        string path = Path.Combine(_directory, "wharf.db");
        _metadata = new SqliteMetadataStore(path);
        return Task.FromResult<(IMetadataStore, IModelCatalogStore)>((_metadata, new SqliteModelCatalogStore(path)));
    }

    protected override Task DisposeStoresAsync()
    {
        _metadata?.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

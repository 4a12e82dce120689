using Microsoft.Data.Sqlite;
using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqliteModelCatalogStoreTests : ModelCatalogStoreConformance
{
    private readonly TempDirectory _directory = new("wharf-catalog");
    private SqliteMetadataStore? _metadata;

    private string DatabasePath => Path.Combine(_directory.Path, "wharf.db");

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    protected override Task<(IMetadataStore Metadata, IModelCatalogStore Catalog)> CreateStoresAsync()
    {
        string path = DatabasePath;
        _metadata = new SqliteMetadataStore(path);
        return Task.FromResult<(IMetadataStore, IModelCatalogStore)>((_metadata, new SqliteModelCatalogStore(path)));
    }

    protected override Task DisposeStoresAsync()
    {
        _metadata?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

using Microsoft.Data.Sqlite;
using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Metadata.Sql;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqliteModelCatalogStoreTests : ModelCatalogStoreConformance
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wharf-catalog-" + Guid.NewGuid().ToString("N"));
    private SqlDatabase? _database;

    private string DatabasePath => Path.Combine(_directory, "wharf.db");

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
        _database = SqliteMetadata.Open(path);
        return Task.FromResult<(IMetadataStore, IModelCatalogStore)>((new SqlMetadataStore(_database), new SqlModelCatalogStore(_database)));
    }

    protected override Task DisposeStoresAsync()
    {
        _database?.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

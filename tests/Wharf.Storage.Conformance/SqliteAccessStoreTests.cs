using Wharf.Core.Access;
using Wharf.Metadata.Sql;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqliteAccessStoreTests : AccessStoreConformance
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wharf-sqlite-access-" + Guid.NewGuid().ToString("N"));
    private SqlDatabase? _database;

    protected override async Task<IAccessStore> CreateStoreAsync()
    {
        var path = Path.Combine(_directory, "wharf.db");
        _database = SqliteMetadata.Open(path);
        await _database.MigrateAsync(Ct);
        return new SqlAccessStore(_database);
    }

    protected override Task DisposeStoreAsync()
    {
        _database?.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

using Wharf.Core.Access;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqliteAccessStoreTests : AccessStoreConformance
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wharf-sqlite-access-" + Guid.NewGuid().ToString("N"));

    protected override async Task<IAccessStore> CreateStoreAsync()
    {
        var path = Path.Combine(_directory, "wharf.db");
        using (var metadata = new SqliteMetadataStore(path)) await metadata.MigrateAsync(Ct);
        return new SqliteAccessStore(path);
    }

    protected override Task DisposeStoreAsync()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

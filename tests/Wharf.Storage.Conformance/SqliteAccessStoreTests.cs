using Wharf.Core.Access;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqliteAccessStoreTests : AccessStoreConformance
{
    private readonly TempDirectory _directory = new("wharf-sqlite-access");

    protected override async Task<IAccessStore> CreateStoreAsync()
    {
        var path = Path.Combine(_directory.Path, "wharf.db");
        using (var metadata = new SqliteMetadataStore(path)) await metadata.MigrateAsync(Ct);
        return new SqliteAccessStore(path);
    }

    protected override Task DisposeStoreAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

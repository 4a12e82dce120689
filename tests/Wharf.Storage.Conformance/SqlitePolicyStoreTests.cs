using Wharf.Core;
using Wharf.Core.Policy;
using Wharf.Metadata.Sql;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqlitePolicyStoreTests : PolicyStoreConformance
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wharf-sqlite-" + Guid.NewGuid().ToString("N"));
    private SqlDatabase? _database;

    private string DatabasePath => Path.Combine(_directory, "wharf.db");

    protected override Task<(IMetadataStore Metadata, IPolicyStore Policies)> CreateStoresAsync()
    {
        var store = new SqlMetadataStore(_database = SqliteMetadata.Open(DatabasePath));
        return Task.FromResult<(IMetadataStore, IPolicyStore)>((store, store));
    }

    protected override Task DisposeStoresAsync()
    {
        _database?.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyList<(Digest? Old, Digest? New)>> ReadTagHistoryAsync(string repository, string tag) =>
        SqliteMetadataStoreTests.ReadTagHistoryAsync(DatabasePath, repository, tag);

    protected override Task<IReadOnlyList<string?>> ReadTagHistoryActorsAsync(string repository, string tag) =>
        SqliteMetadataStoreTests.ReadTagHistoryActorsAsync(DatabasePath, repository, tag);
}

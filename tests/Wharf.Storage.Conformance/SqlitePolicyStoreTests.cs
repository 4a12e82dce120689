using Wharf.Core;
using Wharf.Core.Policy;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqlitePolicyStoreTests : PolicyStoreConformance
{
    private readonly TempDirectory _directory = new("wharf-sqlite");
    private SqliteMetadataStore? _store;

    private string DatabasePath => Path.Combine(_directory.Path, "wharf.db");

    protected override Task<(IMetadataStore Metadata, IPolicyStore Policies)> CreateStoresAsync()
    {
        _store = new SqliteMetadataStore(DatabasePath);
        return Task.FromResult<(IMetadataStore, IPolicyStore)>((_store, _store));
    }

    protected override Task DisposeStoresAsync()
    {
        _store?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyList<(Digest? Old, Digest? New)>> ReadTagHistoryAsync(string repository, string tag) =>
        SqliteMetadataStoreTests.ReadTagHistoryAsync(DatabasePath, repository, tag);

    protected override Task<IReadOnlyList<string?>> ReadTagHistoryActorsAsync(string repository, string tag) =>
        SqliteMetadataStoreTests.ReadTagHistoryActorsAsync(DatabasePath, repository, tag);
}

using Wharf.Core;
using Wharf.Core.Policy;
using Wharf.Metadata.Postgres;
using Wharf.Metadata.Sql;

namespace Wharf.Storage.Conformance;

/// <summary>The policy store suite on PostgreSQL, each test on its own fresh database.</summary>
[NeedsEnvironment(TestPostgres.Variable, TestPostgres.Hint)]
public sealed class PostgresPolicyStoreTests : PolicyStoreConformance
{
    private string? _connectionString;
    private SqlDatabase? _database;

    protected override async Task<(IMetadataStore Metadata, IPolicyStore Policies)> CreateStoresAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(GetType());
        var store = new SqlMetadataStore(_database = PostgresMetadata.Open(_connectionString));
        return (store, store);
    }

    protected override async Task DisposeStoresAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
        if (_connectionString is not null) await TestPostgres.DropDatabaseAsync(GetType(), _connectionString);
    }

    protected override Task<IReadOnlyList<(Digest? Old, Digest? New)>> ReadTagHistoryAsync(string repository, string tag) =>
        PostgresMetadataStoreTests.ReadTagHistoryAsync(_connectionString ?? throw new InvalidOperationException("no database yet"), repository, tag);

    protected override Task<IReadOnlyList<string?>> ReadTagHistoryActorsAsync(string repository, string tag) =>
        PostgresMetadataStoreTests.ReadTagHistoryActorsAsync(_connectionString ?? throw new InvalidOperationException("no database yet"), repository, tag);
}

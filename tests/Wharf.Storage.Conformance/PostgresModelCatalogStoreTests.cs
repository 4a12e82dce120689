using System.Text;
using Npgsql;
using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Metadata.Postgres;
using Wharf.Metadata.Sql;

namespace Wharf.Storage.Conformance;

/// <summary>The model catalog conformance suite on PostgreSQL, each test on its own fresh database.</summary>
[NeedsEnvironment(TestPostgres.Variable, TestPostgres.Hint)]
public sealed class PostgresModelCatalogStoreTests : ModelCatalogStoreConformance
{
    private string? _connectionString;
    private readonly List<SqlDatabase> _databases = [];

    protected override async Task<(IMetadataStore Metadata, IModelCatalogStore Catalog)> CreateStoresAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(GetType());
        var database = Open();
        return (new SqlMetadataStore(database), new SqlModelCatalogStore(database));
    }

    protected override async Task DisposeStoresAsync()
    {
        foreach (var database in _databases) await database.DisposeAsync();
        if (_connectionString is not null) await TestPostgres.DropDatabaseAsync(GetType(), _connectionString);
    }

    private static CancellationToken Ct => CancellationToken.None;

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<Digest> PutAsync(string repository, string seed, string? tag = null)
    {
        var content = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"seed":"{{seed}}"}""");
        var manifest = new ManifestRecord(Digest.Compute(content), MediaTypes.OciManifest, content, null, null, null, T0);
        Assert.Equal(ManifestPutOutcome.Stored, (await Metadata.PutManifestAsync(new ManifestPut(repository, manifest, tag, [], []), Ct)).Outcome);
        return manifest.Digest;
    }

    /// <summary>Another catalog store with its own connection pool: another replica, as far as the database can tell.</summary>
    private SqlModelCatalogStore NewReplica() => new(Open());

    private SqlDatabase Open()
    {
        var database = PostgresMetadata.Open(_connectionString!);
        _databases.Add(database);
        return database;
    }

    [StoreFact]
    public async Task Replicas_claiming_at_once_split_the_queue_without_overlap()
    {
        var digests = new List<Digest>();
        for (int i = 0; i < 40; i++) digests.Add(await PutAsync("team/busy", "m" + i));
        var replicas = Enumerable.Range(0, 4).Select(_ => NewReplica()).ToList();
        var now = T0.AddMinutes(1);

        // Each replica claims small batches until the queue is dry; all run at once.
        var claims = await Task.WhenAll(replicas.Select((replica, n) => Task.Run(async () =>
        {
            var mine = new List<IndexJob>();
            while (await replica.ClaimAsync("w" + n, 3, now, now.AddMinutes(5), Ct) is { Count: > 0 } batch) mine.AddRange(batch);
            return mine;
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(all.Count, all.Select(j => j.Id).Distinct().Count()); // no row claimed twice
        Assert.Equal(digests.Select(d => d.ToString()).Order(StringComparer.Ordinal), all.Select(j => j.Digest.ToString()).Order(StringComparer.Ordinal)); // none left behind
        Assert.All(all, j => Assert.Equal(1, j.Attempts));
    }

    [StoreFact]
    public async Task Tags_list_byte_wise_on_a_linguistic_database_collation()
    {
        // The test database collates en-US by default, where "a" < "V2" < "Z"; tag lists sort by bytes.
        var digest = await PutAsync("team/order", "a", "a");
        await PutAsync("team/order", "a", "Z");
        await PutAsync("team/order", "a", "V2");
        await PutAsync("team/order", "a", "_x");
        Assert.Equal(["V2", "Z", "_x", "a"], (await Catalog.ListTagsAsync("team/order", Ct)).Select(t => t.Name));
        var job = Assert.Single(await Catalog.ClaimAsync("w", 10, T0.AddMinutes(1), T0.AddMinutes(5), Ct));
        Assert.True(await Catalog.CompleteAsync(job, new ModelVersionRecord
        {
            Repository = "team/order", Digest = digest, Kind = "modelpack", Status = "indexed", IndexedAt = T0,
        }, Ct));
        Assert.Equal(["V2", "Z", "_x", "a"], (await Catalog.GetVersionAsync("team/order", digest, Ct))!.Tags);
    }
}

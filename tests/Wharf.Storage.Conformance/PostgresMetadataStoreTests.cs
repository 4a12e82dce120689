using Npgsql;
using Wharf.Core;
using Wharf.Metadata.Postgres;
using Wharf.Metadata.Sql;

namespace Wharf.Storage.Conformance;

/// <summary>The conformance suite on PostgreSQL, each test on its own fresh database, and what only a server database can get wrong.</summary>
[NeedsEnvironment(TestPostgres.Variable, TestPostgres.Hint)]
public sealed class PostgresMetadataStoreTests : MetadataStoreConformance
{
    private string? _connectionString;
    private readonly List<SqlDatabase> _databases = [];

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("no database yet");

    protected override async Task<IMetadataStore> CreateStoreAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(GetType());
        return NewStore();
    }

    protected override async Task DisposeStoreAsync()
    {
        foreach (var database in _databases) await database.DisposeAsync();
        if (_connectionString is not null) await TestPostgres.DropDatabaseAsync(GetType(), _connectionString);
    }

    /// <summary>Another store on the same database, with its own connection pool: another replica, as far as the database can tell.</summary>
    private SqlMetadataStore NewStore()
    {
        var database = PostgresMetadata.Open(ConnectionString);
        _databases.Add(database);
        return new SqlMetadataStore(database);
    }

    protected override Task<IReadOnlyList<(Digest? Old, Digest? New)>> ReadTagHistoryAsync(string repository, string tag) =>
        ReadTagHistoryAsync(ConnectionString, repository, tag);

    protected override Task<IReadOnlyList<string?>> ReadTagHistoryActorsAsync(string repository, string tag) =>
        ReadTagHistoryActorsAsync(ConnectionString, repository, tag);

    /// <summary>Who each of the tag's history rows names, in the order they were written.</summary>
    internal static async Task<IReadOnlyList<string?>> ReadTagHistoryActorsAsync(string connectionString, string repository, string tag)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT h.actor FROM tag_history h JOIN repositories r ON r.id = h.repository_id
            WHERE r.name = @name AND h.tag = @tag ORDER BY h.id;
            """, connection);
        command.Parameters.AddWithValue("name", repository);
        command.Parameters.AddWithValue("tag", tag);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?>();
        while (await reader.ReadAsync()) rows.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        return rows;
    }

    /// <summary>The tag's history rows in the order they were written, read straight from the database.</summary>
    internal static async Task<IReadOnlyList<(Digest? Old, Digest? New)>> ReadTagHistoryAsync(string connectionString, string repository, string tag)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT h.old_digest, h.new_digest FROM tag_history h JOIN repositories r ON r.id = h.repository_id
            WHERE r.name = @name AND h.tag = @tag ORDER BY h.id;
            """, connection);
        command.Parameters.AddWithValue("name", repository);
        command.Parameters.AddWithValue("tag", tag);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Digest?, Digest?)>();
        while (await reader.ReadAsync()) rows.Add((ParseOrNull(reader, 0), ParseOrNull(reader, 1)));
        return rows;
    }

    private static Digest? ParseOrNull(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Digest.Parse(reader.GetString(ordinal));

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [StoreFact]
    public async Task Concurrent_tag_moves_from_two_replicas_end_consistent()
    {
        var replicas = new IMetadataStore[] { Store, NewStore(), NewStore() };
        var layer = TestData.DigestOf("layer");
        await Store.LinkBlobAsync("team/model", layer, 1, Ct);
        var manifests = Enumerable.Range(0, 30).Select(i => Manifest($"m{i}")).ToList();

        // Puts, tag deletes and manifest deletes interleave across replicas on the same two tags.
        var work = manifests.Select((m, i) => Task.Run(async () =>
        {
            var replica = replicas[i % replicas.Length];
            Assert.Equal(ManifestPutOutcome.Stored,
                (await replica.PutManifestAsync(new ManifestPut("team/model", m, i % 2 == 0 ? "latest" : "stable", [layer], []), Ct)).Outcome);
            if (i % 5 == 0) await replica.DeleteTagAsync("team/model", "stable", null, Ct);
            if (i % 7 == 0) await replica.DeleteManifestAsync("team/model", m.Digest, null, Ct);
        }));
        await Task.WhenAll(work);

        foreach (var tag in new[] { "latest", "stable" })
        {
            var history = await ReadTagHistoryAsync("team/model", tag);
            Assert.NotEmpty(history);
            Assert.Null(history[0].Old);
            // Each change starts where the one before it ended, and the last one is what the tag says now.
            for (int i = 1; i < history.Count; i++) Assert.Equal(history[i - 1].New, history[i].Old);
            var current = await replicas[1].ResolveTagAsync("team/model", tag, Ct);
            Assert.Equal(history[^1].New, current);
            if (current is { } digest) Assert.NotNull(await replicas[2].GetManifestAsync("team/model", digest, Ct));
        }
    }

    [StoreFact]
    public async Task Migrations_started_together_by_several_processes_apply_once()
    {
        // A database of its own: the base class already migrated this test's one.
        string connectionString = await TestPostgres.CreateDatabaseAsync(GetType());
        try
        {
            var databases = Enumerable.Range(0, 6).Select(_ => PostgresMetadata.Open(connectionString)).ToList();
            var starting = databases.Select(d => new SqlMetadataStore(d)).ToList();
            try
            {
                await Task.WhenAll(starting.Select(s => Task.Run(() => s.MigrateAsync(Ct))));
                await Task.WhenAll(starting.Select(s => Task.Run(() => s.MigrateAsync(Ct))));
                await starting[0].LinkBlobAsync("team/model", TestData.DigestOf("a"), 5, Ct);
                Assert.Equal(5, await starting[^1].GetLinkedBlobSizeAsync("team/model", TestData.DigestOf("a"), Ct));
            }
            finally
            {
                foreach (var database in databases) await database.DisposeAsync();
            }
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT version), max(version) FROM schema_migrations;", connection);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(reader.GetInt64(0), reader.GetInt64(1)); // no version applied twice
            Assert.Equal(reader.GetInt64(0), reader.GetInt32(2)); // none skipped
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(GetType(), connectionString);
        }
    }

    [StoreFact]
    public async Task A_schema_newer_than_the_build_is_refused()
    {
        long version = await ScalarAsync<int>("SELECT max(version) FROM schema_migrations;");
        await ScalarAsync<int>($"INSERT INTO schema_migrations (version, applied_at) VALUES ({version + 1}, now()) RETURNING version;");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.MigrateAsync(Ct));
        Assert.Contains("newer than this build", e.Message);
    }

    [StoreFact]
    public async Task Names_sort_byte_wise_even_on_a_linguistic_database_collation()
    {
        // The test database's default collation is ICU en-US, where "a" < "V2" < "Z"; the registry needs bytes.
        Assert.Equal("en-US", await ScalarAsync<string>("SELECT daticulocale FROM pg_database WHERE datname = current_database();"));
        await Store.LinkBlobAsync("a", TestData.DigestOf("a"), 1, Ct);
        await Store.LinkBlobAsync("Z", TestData.DigestOf("z"), 1, Ct);
        await Store.LinkBlobAsync("_x", TestData.DigestOf("x"), 1, Ct);
        Assert.Equal(["Z", "_x", "a"], await Store.ListRepositoriesAsync(null, 10, Ct));
    }

    [StoreFact]
    public void A_bad_connection_string_names_the_problem_not_the_password()
    {
        var e = Assert.Throws<ArgumentException>(() => PostgresMetadata.Open("Host=db;Password=s3cret;Nonsense=1"));
        Assert.Contains("not a valid PostgreSQL connection string", e.Message);
        Assert.DoesNotContain("s3cret", e.Message);
    }
}

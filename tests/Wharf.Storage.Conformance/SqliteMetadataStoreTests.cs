using Microsoft.Data.Sqlite;
using Wharf.Core;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

public sealed class SqliteMetadataStoreTests : MetadataStoreConformance
{
    private readonly TempDirectory _directory = new("wharf-sqlite");
    private SqliteMetadataStore? _store;

    private string DatabasePath => Path.Combine(_directory.Path, "wharf.db");

    protected override Task<IMetadataStore> CreateStoreAsync() =>
        Task.FromResult<IMetadataStore>(_store = new SqliteMetadataStore(DatabasePath));

    protected override Task DisposeStoreAsync()
    {
        _store?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyList<(Digest? Old, Digest? New)>> ReadTagHistoryAsync(string repository, string tag) =>
        ReadTagHistoryAsync(DatabasePath, repository, tag);

    protected override Task<IReadOnlyList<string?>> ReadTagHistoryActorsAsync(string repository, string tag) =>
        ReadTagHistoryActorsAsync(DatabasePath, repository, tag);

    internal static async Task<IReadOnlyList<string?>> ReadTagHistoryActorsAsync(string databasePath, string repository, string tag)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT h.actor FROM tag_history h JOIN repositories r ON r.id = h.repository_id
            WHERE r.name = $name AND h.tag = $tag ORDER BY h.id;
            """;
        command.Parameters.AddWithValue("$name", repository);
        command.Parameters.AddWithValue("$tag", tag);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?>();
        while (await reader.ReadAsync()) rows.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        return rows;
    }

    internal static async Task<IReadOnlyList<(Digest? Old, Digest? New)>> ReadTagHistoryAsync(string databasePath, string repository, string tag)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT h.old_digest, h.new_digest FROM tag_history h JOIN repositories r ON r.id = h.repository_id
            WHERE r.name = $name AND h.tag = $tag ORDER BY h.id;
            """;
        command.Parameters.AddWithValue("$name", repository);
        command.Parameters.AddWithValue("$tag", tag);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Digest?, Digest?)>();
        while (await reader.ReadAsync()) rows.Add((ParseOrNull(reader, 0), ParseOrNull(reader, 1)));
        return rows;
    }

    private static Digest? ParseOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Digest.Parse(reader.GetString(ordinal));

    [Fact]
    public async Task The_database_is_durable_WAL_and_versioned()
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        command.CommandText = "SELECT count(*), max(version) FROM schema_migrations;";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(1)); // one row per version, none skipped
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_sees_the_same_truth()
    {
        await Store.LinkBlobAsync("team/model", TestData.DigestOf("a"), 3, Ct);
        using var other = new SqliteMetadataStore(DatabasePath);
        await other.MigrateAsync(Ct);
        Assert.Equal(3, await other.GetLinkedBlobSizeAsync("team/model", TestData.DigestOf("a"), Ct));
    }
}

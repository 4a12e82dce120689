using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Core.Catalog;
using Wharf.Core.Policy;
using Wharf.Metadata.Postgres;
using Wharf.Metadata.Sqlite;

namespace Wharf.Storage.Conformance;

/// <summary>An engine's one AddXxxMetadata call composes every metadata contract on one database, as a host resolves them.</summary>
public abstract class MetadataCompositionTests : IAsyncLifetime
{
    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>Registers the engine's metadata on a fresh database.</summary>
    protected abstract Task<IServiceCollection> AddMetadataAsync(IServiceCollection services);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [StoreFact]
    public async Task Every_contract_resolves_on_one_database()
    {
        await using var provider = (await AddMetadataAsync(new ServiceCollection())).BuildServiceProvider();
        var metadata = provider.GetRequiredService<IMetadataStore>();
        Assert.Same(metadata, provider.GetRequiredService<IJobLeases>());
        Assert.Same(metadata, provider.GetRequiredService<IPolicyStore>());
        await metadata.MigrateAsync(Ct);

        // What one contract writes, the others read: they are stores on the same database, not copies.
        var content = Encoding.UTF8.GetBytes("""{"schemaVersion":2}""");
        var manifest = new ManifestRecord(Digest.Compute(content), MediaTypes.OciManifest, content, null, null, null, DateTimeOffset.UtcNow);
        Assert.Equal(ManifestPutOutcome.Stored, (await metadata.PutManifestAsync(new ManifestPut("team/model", manifest, "v1", [], []), Ct)).Outcome);
        Assert.NotNull(await provider.GetRequiredService<IModelCatalogStore>().GetQueuedAsync("team/model", manifest.Digest, Ct));
        var access = provider.GetRequiredService<IAccessStore>();
        Assert.Equal(AccessStoreOutcome.Done, await access.AddUserAsync(new UserRecord("ada", "hash", IsAdmin: true, DateTimeOffset.UtcNow), Ct));
        Assert.True(await access.AnyUserAsync(Ct));
    }
}

public sealed class SqliteMetadataCompositionTests : MetadataCompositionTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wharf-compose-" + Guid.NewGuid().ToString("N"));

    protected override Task<IServiceCollection> AddMetadataAsync(IServiceCollection services) =>
        Task.FromResult(services.AddSqliteMetadata(new SqliteMetadataOptions { Path = Path.Combine(_directory, "wharf.db") }));

    public override Task DisposeAsync()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

[NeedsEnvironment(TestPostgres.Variable, TestPostgres.Hint)]
public sealed class PostgresMetadataCompositionTests : MetadataCompositionTests
{
    private string? _connectionString;

    protected override async Task<IServiceCollection> AddMetadataAsync(IServiceCollection services)
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(GetType());
        return services.AddPostgresMetadata(new PostgresMetadataOptions { ConnectionString = _connectionString });
    }

    public override async Task DisposeAsync()
    {
        if (_connectionString is not null) await TestPostgres.DropDatabaseAsync(GetType(), _connectionString);
    }
}

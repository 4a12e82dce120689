using System.Net;

namespace Wharf.Server.Tests.Http;

/// <summary>/healthz says the process serves; /readyz says both stores answer, and 503 when one does not.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    // The database in a folder of its own, so the test can take the folder away (see below).
    public async Task InitializeAsync() => _registry = await TestRegistry.StartAsync(_dir.Path,
        new Dictionary<string, string?> { ["Metadata:Path"] = Path.Combine(_dir.Path, "db", "wharf.db") });

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Both_probes_answer_when_the_stores_do()
    {
        using var live = await _registry.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await _registry.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_fails_when_the_database_is_gone_but_liveness_holds()
    {
        // A file where the database's folder was: SQLite can neither open nor recreate the database (background
        // jobs keep trying), as if the database server were down.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var folder = Path.Combine(_dir.Path, "db");
        // Moved aside in one step, not deleted: a job may open the database (and create its -wal file) between
        // clearing the pools and a recursive delete, which then fails with "directory not empty".
        Directory.Move(folder, folder + ".gone");
        await File.WriteAllTextAsync(folder, "not a directory");

        using var ready = await _registry.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("metadata", await ready.Content.ReadAsStringAsync());
        using var live = await _registry.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}

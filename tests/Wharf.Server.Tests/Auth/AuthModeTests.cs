using Microsoft.Extensions.Time.Testing;
using Wharf.Core.Access;
using Wharf.Metadata.Sql;
using Wharf.Metadata.Sqlite;
using Wharf.Server.Auth;

namespace Wharf.Server.Tests.Auth;

/// <summary>
/// An open registry looks at the user table at most once per <see cref="AuthMode.Recheck"/>, not on every
/// request; a user added behind its back counts within that time, one added through this node at once.
/// </summary>
public sealed class AuthModeTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _clock = new();

    private readonly List<SqlDatabase> _databases = [];

    public void Dispose()
    {
        foreach (var database in _databases) database.Dispose();
        _dir.Dispose();
    }

    private async Task<SqlAccessStore> StoreAsync()
    {
        var database = SqliteMetadata.Open(Path.Combine(_dir.Path, "wharf.db"));
        _databases.Add(database);
        await database.MigrateAsync(CancellationToken.None);
        return new SqlAccessStore(database);
    }

    private static Task AddUserAsync(IAccessStore store, string name) =>
        store.AddUserAsync(new UserRecord(name, PasswordHasher.Hash("a-long-password"), IsAdmin: false, DateTimeOffset.UtcNow), CancellationToken.None);

    [Fact]
    public async Task A_user_added_behind_its_back_counts_within_the_recheck_time()
    {
        var store = await StoreAsync();
        var mode = new AuthMode(store, _clock);
        Assert.False(await mode.IsEnforcedAsync(CancellationToken.None));

        await AddUserAsync(store, "late"); // as `wharf user add` on the data directory, or another replica
        _clock.Advance(AuthMode.Recheck / 2);
        Assert.False(await mode.IsEnforcedAsync(CancellationToken.None));
        _clock.Advance(AuthMode.Recheck / 2);
        Assert.True(await mode.IsEnforcedAsync(CancellationToken.None));

        // For good: removing every user does not open the registry again.
        await store.RemoveUserAsync("late", CancellationToken.None);
        _clock.Advance(AuthMode.Recheck * 3);
        Assert.True(await mode.IsEnforcedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_user_added_through_this_node_counts_at_once()
    {
        var store = await StoreAsync();
        var mode = new AuthMode(store, _clock);
        Assert.False(await mode.IsEnforcedAsync(CancellationToken.None));
        await AddUserAsync(store, "first");
        mode.Enforce();
        Assert.True(await mode.IsEnforcedAsync(CancellationToken.None));
    }
}

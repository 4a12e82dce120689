using Microsoft.Extensions.Time.Testing;
using Wharf.Core;

namespace Wharf.Storage.Conformance;

/// <summary>
/// What every <see cref="IJobLeases"/> must do. A backend subclasses this with a factory for fresh stores on one
/// shared, empty database whose clock is <see cref="Clock"/>; several stores stand for several replicas.
/// </summary>
public abstract class JobLeasesConformance : IAsyncLifetime
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    protected IJobLeases Leases { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>Prepares an empty database for this test.</summary>
    protected abstract Task CreateDatabaseAsync();

    /// <summary>A migrated store on this test's database, reading <see cref="Clock"/>; a second call is a second replica.</summary>
    protected abstract Task<IJobLeases> OpenReplicaAsync();

    protected abstract Task DisposeDatabaseAsync();

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        Leases = await OpenReplicaAsync();
    }

    public Task DisposeAsync() => DisposeDatabaseAsync();

    [StoreFact]
    public async Task A_free_lease_goes_to_the_first_holder_only()
    {
        Assert.True(await Leases.TryAcquireAsync("gc", "a", Minute, Ct));
        Assert.False(await Leases.TryAcquireAsync("gc", "b", Minute, Ct));
        Assert.True(await Leases.TryAcquireAsync("gc", "a", Minute, Ct)); // the holder asking again keeps it
        Assert.False(await Leases.RenewAsync("gc", "b", Minute, Ct));
        Assert.False(await Leases.TryAcquireAsync("gc", "b", Minute, Ct));
    }

    [StoreFact]
    public async Task An_expired_lease_passes_to_the_next_holder_and_the_old_one_cannot_renew()
    {
        Assert.True(await Leases.TryAcquireAsync("gc", "a", Minute, Ct));
        Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(await Leases.TryAcquireAsync("gc", "b", Minute, Ct));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Leases.TryAcquireAsync("gc", "b", Minute, Ct));
        Assert.False(await Leases.RenewAsync("gc", "a", Minute, Ct));
        Assert.False(await Leases.TryAcquireAsync("gc", "a", Minute, Ct));
    }

    [StoreFact]
    public async Task Renewing_extends_from_now()
    {
        Assert.True(await Leases.TryAcquireAsync("gc", "a", Minute, Ct));
        Clock.Advance(TimeSpan.FromSeconds(50));
        Assert.True(await Leases.RenewAsync("gc", "a", Minute, Ct));
        Clock.Advance(TimeSpan.FromSeconds(50));
        Assert.False(await Leases.TryAcquireAsync("gc", "b", Minute, Ct));
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await Leases.TryAcquireAsync("gc", "b", Minute, Ct));
        Assert.False(await Leases.RenewAsync("never-taken", "a", Minute, Ct));
    }

    [StoreFact]
    public async Task Releasing_frees_the_lease_at_once_but_only_for_its_holder()
    {
        Assert.True(await Leases.TryAcquireAsync("gc", "a", Minute, Ct));
        await Leases.ReleaseAsync("gc", "b", Ct); // not b's to give away
        Assert.False(await Leases.TryAcquireAsync("gc", "b", Minute, Ct));
        await Leases.ReleaseAsync("gc", "a", Ct);
        Assert.True(await Leases.TryAcquireAsync("gc", "b", Minute, Ct));
        await Leases.ReleaseAsync("unknown", "a", Ct); // harmless
    }

    [StoreFact]
    public async Task Leases_with_different_names_are_independent()
    {
        Assert.True(await Leases.TryAcquireAsync("gc", "a", Minute, Ct));
        Assert.True(await Leases.TryAcquireAsync("upload-expiry", "b", Minute, Ct));
        Assert.False(await Leases.TryAcquireAsync("gc", "b", Minute, Ct));
        Assert.False(await Leases.TryAcquireAsync("upload-expiry", "a", Minute, Ct));
    }

    [StoreFact]
    public async Task Replicas_racing_for_a_lease_get_exactly_one_winner()
    {
        var replicas = new List<IJobLeases> { Leases };
        for (int i = 0; i < 3; i++) replicas.Add(await OpenReplicaAsync());

        for (int round = 0; round < 3; round++)
        {
            string name = $"race-{round}";
            var won = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
                Task.Run(() => replicas[i % replicas.Count].TryAcquireAsync(name, $"holder-{i}", Minute, Ct))));
            Assert.Equal(1, won.Count(w => w));
        }
    }

    [StoreFact]
    public async Task Bad_arguments_are_refused_and_change_nothing()
    {
        Assert.True(await Leases.TryAcquireAsync("gc", "a", Minute, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Leases.TryAcquireAsync("gc", "b", TimeSpan.Zero, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Leases.RenewAsync("gc", "a", TimeSpan.FromSeconds(-1), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Leases.TryAcquireAsync("", "b", Minute, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Leases.TryAcquireAsync("gc", " ", Minute, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Leases.ReleaseAsync("gc", "", Ct));
        Assert.False(await Leases.TryAcquireAsync("gc", "b", Minute, Ct));
        Assert.True(await Leases.RenewAsync("gc", "a", Minute, Ct));
    }
}

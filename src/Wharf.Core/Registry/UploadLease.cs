namespace Wharf.Core.Registry;

/// <summary>
/// Makes the requests that write one upload session take turns across every node sharing the metadata store.
/// On one node a per-session lock already does; replicas behind a load balancer would otherwise append the same
/// chunk twice at once, each with its own view of the hash. The turn is a lease in the metadata store
/// ("upload:ID"), renewed while the body streams, so a node that dies holding it blocks the session for at most
/// <see cref="Ttl"/>; a request finding the session busy waits for its turn a little longer than that.
/// </summary>
public sealed class UploadLeases(IJobLeases leases, TimeProvider time)
{
    /// <summary>How long a turn lasts unless renewed; the renewal runs at a quarter of it.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(20);

    /// <summary>How long a request waits for another node's turn to end: past a dead holder's expiry.</summary>
    public static readonly TimeSpan Wait = Ttl + TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private readonly string _holder = JobLeases.NewHolder();

    /// <summary>
    /// The session's turn, or null when another node kept it for longer than <paramref name="wait"/> (zero: do not
    /// wait). Dispose the turn to end it.
    /// </summary>
    public async Task<UploadTurn?> AcquireAsync(string id, TimeSpan wait, CancellationToken ct)
    {
        string name = "upload:" + id;
        long started = time.GetTimestamp();
        while (!await leases.TryAcquireAsync(name, _holder, Ttl, ct))
        {
            if (time.GetElapsedTime(started) >= wait) return null;
            await Task.Delay(Poll, time, ct);
        }
        return new UploadTurn(leases, time, name, _holder, ct);
    }
}

/// <summary>
/// One request's turn on an upload session. <see cref="Token"/> is cancelled if the lease is lost (this node
/// stalled past its expiry and another took over), so the request stops writing instead of racing the other.
/// </summary>
public sealed class UploadTurn : IAsyncDisposable
{
    private readonly IJobLeases _leases;
    private readonly string _name, _holder;
    private readonly CancellationTokenSource _lost;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    internal UploadTurn(IJobLeases leases, TimeProvider time, string name, string holder, CancellationToken request)
    {
        _leases = leases;
        _name = name;
        _holder = holder;
        _lost = CancellationTokenSource.CreateLinkedTokenSource(request);
        _renewal = RenewAsync(time, _stop.Token);
    }

    /// <summary>The request's token, also cancelled when the turn is lost.</summary>
    public CancellationToken Token => _lost.Token;

    private async Task RenewAsync(TimeProvider time, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(UploadLeases.Ttl / 4, time);
        long confirmed = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                bool held;
                try
                {
                    held = await _leases.RenewAsync(_name, _holder, UploadLeases.Ttl, stop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A store hiccup: try again at the next tick, unless the lease may be expiring meanwhile.
                    held = time.GetElapsedTime(confirmed) < UploadLeases.Ttl / 2;
                    if (held) continue;
                }
                if (!held)
                {
                    await _lost.CancelAsync();
                    return;
                }
                confirmed = time.GetTimestamp();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The request is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _leases.ReleaseAsync(_name, _holder, CancellationToken.None);
        _stop.Dispose();
        _lost.Dispose();
    }
}

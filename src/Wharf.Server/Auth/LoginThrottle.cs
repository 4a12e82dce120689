using System.Collections.Concurrent;

namespace Wharf.Server.Auth;

/// <summary>
/// Slows password guessing: per user name and client address, Auth:FreeLoginFailures (5) are free, then each further
/// attempt must wait twice as long as the last (1 s, 2 s, 4 s … at most 30 s) and is refused unchecked until
/// then. A success clears the record, so the right password is locked out for one delay at most. Kept in
/// memory per node: a guesser spreading over replicas gets one budget per replica, still a small one.
/// </summary>
public sealed class LoginThrottle(TimeProvider time, AuthSettings settings)
{    private static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(15);
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Record> _records = new(StringComparer.Ordinal);

    private sealed record Record(int Failures, DateTimeOffset Last);

    /// <summary>How long the caller must still wait before the next attempt is checked; null when it may go now.</summary>
    public TimeSpan? RetryAfter(string user, string? address)
    {
        if (!_records.TryGetValue(Key(user, address), out var record) || record.Failures < settings.FreeLoginFailures) return null;
        var wait = record.Last + Delay(record.Failures) - time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string user, string? address)
    {
        var now = time.GetUtcNow();
        if (_records.Count >= MaxEntries) Prune(now);
        _records.AddOrUpdate(Key(user, address), _ => new Record(1, now),
            (_, old) => now - old.Last > Forget ? new Record(1, now) : new Record(old.Failures + 1, now));
    }

    public void Succeeded(string user, string? address) => _records.TryRemove(Key(user, address), out _);

    private TimeSpan Delay(int failures)
    {
        int over = failures - settings.FreeLoginFailures;
        return over >= 5 ? MaxDelay : TimeSpan.FromTicks(Math.Min(BaseDelay.Ticks << over, MaxDelay.Ticks));
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, record) in _records)
            if (now - record.Last > TimeSpan.FromMinutes(1)) _records.TryRemove(key, out _);
    }

    private static string Key(string user, string? address) => user.ToLowerInvariant() + "\n" + address;
}

using Wharf.Core;

namespace Wharf.Metadata.Sqlite;

public sealed partial class SqliteMetadataStore : IJobLeases
{
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken ct)
    {
        JobLeases.Validate(name, holder, ttl);
        long now = Now();
        await using var db = await ConnectAsync(ct);
        // One statement: SQLite's write lock decides between processes asking at the same moment.
        return await db.ScalarAsync(
            """
            INSERT INTO job_leases (name, holder, expires_at) VALUES ($name, $holder, $expires)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE job_leases.expires_at <= $now OR job_leases.holder = excluded.holder
            RETURNING 1;
            """,
            ct, ("$name", name), ("$holder", holder), ("$expires", now + (long)ttl.TotalMilliseconds), ("$now", now)) is not null;
    }

    public async Task<bool> RenewAsync(string name, string holder, TimeSpan ttl, CancellationToken ct)
    {
        JobLeases.Validate(name, holder, ttl);
        await using var db = await ConnectAsync(ct);
        return await db.ExecuteAsync("UPDATE job_leases SET expires_at = $expires WHERE name = $name AND holder = $holder;",
            ct, ("$name", name), ("$holder", holder), ("$expires", Now() + (long)ttl.TotalMilliseconds)) > 0;
    }

    public async Task ReleaseAsync(string name, string holder, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        await using var db = await ConnectAsync(ct);
        await db.ExecuteAsync("DELETE FROM job_leases WHERE name = $name AND holder = $holder;", ct, ("$name", name), ("$holder", holder));
    }
}

using Wharf.Core;

namespace Wharf.Metadata.Sql;

public sealed partial class SqlMetadataStore : IJobLeases
{
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken ct)
    {
        JobLeases.Validate(name, holder, ttl);
        var now = _database.Time.GetUtcNow();
        await using var db = await _database.ConnectAsync(ct);
        // One statement: the engine's lock on the row (or on the file) decides between replicas asking at the same moment.
        return await db.ScalarAsync(
            """
            INSERT INTO job_leases (name, holder, expires_at) VALUES (@name, @holder, @expires)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE job_leases.expires_at <= @now OR job_leases.holder = excluded.holder
            RETURNING 1;
            """,
            ct, ("name", name), ("holder", holder), ("expires", Dialect.Time(now + ttl)), ("now", Dialect.Time(now))) is not null;
    }

    public async Task<bool> RenewAsync(string name, string holder, TimeSpan ttl, CancellationToken ct)
    {
        JobLeases.Validate(name, holder, ttl);
        await using var db = await _database.ConnectAsync(ct);
        return await db.ExecuteAsync("UPDATE job_leases SET expires_at = @expires WHERE name = @name AND holder = @holder;",
            ct, ("name", name), ("holder", holder), ("expires", Dialect.Time(_database.Time.GetUtcNow() + ttl))) > 0;
    }

    public async Task ReleaseAsync(string name, string holder, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        await using var db = await _database.ConnectAsync(ct);
        await db.ExecuteAsync("DELETE FROM job_leases WHERE name = @name AND holder = @holder;", ct, ("name", name), ("holder", holder));
    }
}

using Microsoft.Data.Sqlite;
using Wharf.Core.Access;

namespace Wharf.Metadata.Sqlite;

/// <summary>
/// <see cref="IAccessStore"/> in the same SQLite file as the metadata; its tables come with
/// <see cref="SqliteMetadataStore.MigrateAsync"/>. Times are unix milliseconds.
/// </summary>
public sealed class SqliteAccessStore : IAccessStore
{
    private const string UserColumns = "name, password_hash, is_admin, created_at";
    private const string RobotColumns = "name, secret_hash, grants, created_at, expires_at, revoked_at, created_by";
    private const string AuditColumns = "id, at, subject, action, repository, digest, detail, address, allowed";

    private readonly string _connectionString;

    public SqliteAccessStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(databasePath),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    public async Task<bool> AnyUserAsync(CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        return await db.ScalarAsync("SELECT 1 FROM users LIMIT 1;", ct) is not null;
    }

    public Task<AccessStoreOutcome> AddUserAsync(UserRecord user, CancellationToken ct) =>
        InsertAsync("INSERT INTO users (name, password_hash, is_admin, created_at) VALUES ($name, $hash, $admin, $at) ON CONFLICT DO NOTHING;",
            ct, ("$name", user.Name), ("$hash", user.PasswordHash), ("$admin", user.IsAdmin ? 1 : 0), ("$at", Unix(user.CreatedAt)));

    public async Task<UserRecord?> GetUserAsync(string name, CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        var rows = await db.QueryAsync($"SELECT {UserColumns} FROM users WHERE name = $name;", ReadUser, ct, ("$name", name));
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        return await db.QueryAsync($"SELECT {UserColumns} FROM users ORDER BY name;", ReadUser, ct);
    }

    public Task<AccessStoreOutcome> SetPasswordHashAsync(string name, string passwordHash, CancellationToken ct) =>
        UpdateAsync("UPDATE users SET password_hash = $hash WHERE name = $name;", ct, ("$name", name), ("$hash", passwordHash));

    public Task<AccessStoreOutcome> RemoveUserAsync(string name, CancellationToken ct) =>
        UpdateAsync("DELETE FROM users WHERE name = $name;", ct, ("$name", name));

    public Task<AccessStoreOutcome> AddRobotAsync(RobotRecord robot, CancellationToken ct) =>
        InsertAsync($"INSERT INTO robots ({RobotColumns}) VALUES ($name, $hash, $grants, $at, $expires, $revoked, $by) ON CONFLICT DO NOTHING;",
            ct, ("$name", robot.Name), ("$hash", robot.SecretHash), ("$grants", RobotGrant.FormatList(robot.Grants)),
            ("$at", Unix(robot.CreatedAt)), ("$expires", Unix(robot.ExpiresAt)), ("$revoked", Unix(robot.RevokedAt)), ("$by", robot.CreatedBy));

    public async Task<RobotRecord?> GetRobotAsync(string name, CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        return (await db.QueryAsync($"SELECT {RobotColumns} FROM robots WHERE name = $name;", ReadRobot, ct, ("$name", name))).SingleOrDefault();
    }

    public async Task<RobotRecord?> FindRobotBySecretHashAsync(string secretHash, CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        return (await db.QueryAsync($"SELECT {RobotColumns} FROM robots WHERE secret_hash = $hash;", ReadRobot, ct, ("$hash", secretHash))).SingleOrDefault();
    }

    public async Task<IReadOnlyList<RobotRecord>> ListRobotsAsync(CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        return await db.QueryAsync($"SELECT {RobotColumns} FROM robots ORDER BY name;", ReadRobot, ct);
    }

    public Task<AccessStoreOutcome> RevokeRobotAsync(string name, DateTimeOffset at, CancellationToken ct) =>
        // Revoking twice keeps the first time: the audit trail says when it stopped working.
        UpdateAsync("UPDATE robots SET revoked_at = coalesce(revoked_at, $at) WHERE name = $name;", ct, ("$name", name), ("$at", Unix(at)));

    public Task<AccessStoreOutcome> CreateNamespaceAsync(NamespaceRecord ns, CancellationToken ct) =>
        InsertAsync("INSERT INTO namespaces (name, is_public, created_at) VALUES ($name, $public, $at) ON CONFLICT DO NOTHING;",
            ct, ("$name", ns.Name), ("$public", ns.IsPublic ? 1 : 0), ("$at", Unix(ns.CreatedAt)));

    public async Task<NamespaceRecord?> GetNamespaceAsync(string name, CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        return (await db.QueryAsync("SELECT name, is_public, created_at FROM namespaces WHERE name = $name;", ReadNamespace, ct, ("$name", name))).SingleOrDefault();
    }

    public async Task<IReadOnlyList<NamespaceRecord>> ListNamespacesAsync(CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        return await db.QueryAsync("SELECT name, is_public, created_at FROM namespaces ORDER BY name;", ReadNamespace, ct);
    }

    public Task<AccessStoreOutcome> SetNamespacePublicAsync(string name, bool isPublic, CancellationToken ct) =>
        UpdateAsync("UPDATE namespaces SET is_public = $public WHERE name = $name;", ct, ("$name", name), ("$public", isPublic ? 1 : 0));

    public async Task<AccessStoreOutcome> SetMemberAsync(Membership membership, CancellationToken ct)
    {
        await using var db = await WriteAsync(ct);
        // The foreign keys would refuse an unknown user or namespace with an exception; ask first instead.
        bool known = await db.ScalarAsync(
            "SELECT 1 WHERE EXISTS (SELECT 1 FROM namespaces WHERE name = $ns) AND EXISTS (SELECT 1 FROM users WHERE name = $user);",
            ct, ("$ns", membership.Namespace), ("$user", membership.User)) is not null;
        if (!known) return AccessStoreOutcome.NotFound;
        await db.ExecuteAsync(
            "INSERT INTO namespace_members (namespace, user_name, role) VALUES ($ns, $user, $role) ON CONFLICT DO UPDATE SET role = excluded.role;",
            ct, ("$ns", membership.Namespace), ("$user", membership.User), ("$role", Roles.Wire(membership.Role)));
        await db.CommitAsync(ct);
        return AccessStoreOutcome.Done;
    }

    public Task<AccessStoreOutcome> RemoveMemberAsync(string ns, string user, CancellationToken ct) =>
        UpdateAsync("DELETE FROM namespace_members WHERE namespace = $ns AND user_name = $user;", ct, ("$ns", ns), ("$user", user));

    public async Task<IReadOnlyList<Membership>> ListMembersAsync(string ns, CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        return await db.QueryAsync("SELECT namespace, user_name, role FROM namespace_members WHERE namespace = $ns ORDER BY user_name;",
            ReadMembership, ct, ("$ns", ns));
    }

    public async Task<IReadOnlyList<Membership>> ListMembershipsAsync(string user, CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        return await db.QueryAsync("SELECT namespace, user_name, role FROM namespace_members WHERE user_name = $user ORDER BY namespace;",
            ReadMembership, ct, ("$user", user));
    }

    public async Task AddRefreshTokenAsync(RefreshTokenRecord token, CancellationToken ct)
    {
        await using var db = await WriteAsync(ct);
        await db.ExecuteAsync(
            "INSERT INTO refresh_tokens (token_hash, user_name, client_id, created_at, expires_at) VALUES ($hash, $user, $client, $at, $expires);",
            ct, ("$hash", token.TokenHash), ("$user", token.User), ("$client", token.ClientId), ("$at", Unix(token.CreatedAt)), ("$expires", Unix(token.ExpiresAt)));
        await db.CommitAsync(ct);
    }

    public async Task<RefreshTokenRecord?> FindRefreshTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await ReadAsync(ct);
        return (await db.QueryAsync(
            "SELECT token_hash, user_name, client_id, created_at, expires_at FROM refresh_tokens WHERE token_hash = $hash AND expires_at > $now;",
            r => new RefreshTokenRecord(r.GetString(0), r.GetString(1), r.GetString(2), FromUnix(r.GetInt64(3)), FromUnix(r.GetInt64(4))),
            ct, ("$hash", tokenHash), ("$now", Unix(now)))).SingleOrDefault();
    }

    public Task<AccessStoreOutcome> RemoveRefreshTokenAsync(string tokenHash, CancellationToken ct) =>
        UpdateAsync("DELETE FROM refresh_tokens WHERE token_hash = $hash;", ct, ("$hash", tokenHash));

    public async Task<long> AppendAuditAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var db = await WriteAsync(ct);
        var id = (long)(await db.ScalarAsync(
            """
            INSERT INTO audit_log (at, subject, action, repository, digest, detail, address, allowed)
            VALUES ($at, $subject, $action, $repository, $digest, $detail, $address, $allowed) RETURNING id;
            """,
            ct, ("$at", Unix(entry.At)), ("$subject", entry.Subject), ("$action", entry.Action), ("$repository", entry.Repository),
            ("$digest", entry.Digest), ("$detail", entry.Detail), ("$address", entry.Address), ("$allowed", entry.Allowed ? 1 : 0)))!;
        await db.CommitAsync(ct);
        return id;
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? before, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await ReadAsync(ct);
        return await db.QueryAsync($"SELECT {AuditColumns} FROM audit_log WHERE id < $before ORDER BY id DESC LIMIT $limit;",
            r => new AuditEntry(r.GetInt64(0), FromUnix(r.GetInt64(1)), r.GetString(2), r.GetString(3), Text(r, 4), Text(r, 5),
                Text(r, 6), Text(r, 7), r.GetInt64(8) != 0),
            ct, ("$before", before ?? long.MaxValue), ("$limit", limit));
    }

    private async Task<AccessStoreOutcome> InsertAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var db = await WriteAsync(ct);
        int rows = await db.ExecuteAsync(sql, ct, parameters);
        await db.CommitAsync(ct);
        return rows == 0 ? AccessStoreOutcome.AlreadyExists : AccessStoreOutcome.Done;
    }

    private async Task<AccessStoreOutcome> UpdateAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var db = await WriteAsync(ct);
        int rows = await db.ExecuteAsync(sql, ct, parameters);
        await db.CommitAsync(ct);
        return rows == 0 ? AccessStoreOutcome.NotFound : AccessStoreOutcome.Done;
    }

    private static UserRecord ReadUser(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt64(2) != 0, FromUnix(r.GetInt64(3)));

    private static RobotRecord ReadRobot(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1),
            RobotGrant.TryParseList(r.GetString(2), out var grants) ? grants : [],
            FromUnix(r.GetInt64(3)), NullableTime(r, 4), NullableTime(r, 5), r.GetString(6));

    private static NamespaceRecord ReadNamespace(SqliteDataReader r) => new(r.GetString(0), r.GetInt64(1) != 0, FromUnix(r.GetInt64(2)));

    private static Membership ReadMembership(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), Roles.TryParse(r.GetString(2), out var role) ? role : Role.Reader);

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? NullableTime(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : FromUnix(r.GetInt64(i));

    private static long Unix(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static long? Unix(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromUnix(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private Task<SqliteSession> ReadAsync(CancellationToken ct) => SqliteSession.OpenAsync(_connectionString, write: false, ct);

    private Task<SqliteSession> WriteAsync(CancellationToken ct) => SqliteSession.OpenAsync(_connectionString, write: true, ct);
}

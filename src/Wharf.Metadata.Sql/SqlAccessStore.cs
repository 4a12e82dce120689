using System.Data.Common;
using Wharf.Core.Access;

namespace Wharf.Metadata.Sql;

/// <summary>
/// <see cref="IAccessStore"/> in the same database as the metadata; its tables come with
/// <see cref="SqlDatabase.MigrateAsync"/>. Every operation is one statement, atomic on its own.
/// </summary>
public sealed class SqlAccessStore(SqlDatabase database) : IAccessStore
{
    private const string UserColumns = "name, password_hash, is_admin, created_at";
    private const string RobotColumns = "name, secret_hash, grants, created_at, expires_at, revoked_at, created_by";
    private const string AuditColumns = "id, at, subject, action, repository, digest, detail, address, allowed";

    private readonly SqlDatabase _database = database ?? throw new ArgumentNullException(nameof(database));

    private SqlDialect Dialect => _database.Dialect;

    public async Task<bool> AnyUserAsync(CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        return await db.ScalarAsync("SELECT 1 FROM users LIMIT 1;", ct) is not null;
    }

    public Task<AccessStoreOutcome> AddUserAsync(UserRecord user, CancellationToken ct) =>
        InsertAsync("INSERT INTO users (name, password_hash, is_admin, created_at) VALUES (@name, @hash, @admin, @at) ON CONFLICT DO NOTHING;",
            ct, ("name", user.Name), ("hash", user.PasswordHash), ("admin", user.IsAdmin), ("at", Dialect.Time(user.CreatedAt)));

    public async Task<UserRecord?> GetUserAsync(string name, CancellationToken ct) =>
        (await QueryAsync($"SELECT {UserColumns} FROM users WHERE name = @name;", ReadUser, ct, ("name", name))).SingleOrDefault();

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct) =>
        await QueryAsync($"SELECT {UserColumns} FROM users ORDER BY name;", ReadUser, ct);

    public Task<AccessStoreOutcome> SetPasswordHashAsync(string name, string passwordHash, CancellationToken ct) =>
        UpdateAsync("UPDATE users SET password_hash = @hash WHERE name = @name;", ct, ("name", name), ("hash", passwordHash));

    // Memberships and refresh tokens go with the user through ON DELETE CASCADE.
    public Task<AccessStoreOutcome> RemoveUserAsync(string name, CancellationToken ct) =>
        UpdateAsync("DELETE FROM users WHERE name = @name;", ct, ("name", name));

    public Task<AccessStoreOutcome> AddRobotAsync(RobotRecord robot, CancellationToken ct) =>
        // A clash on the secret hash is as much "already exists" as one on the name: never two robots per secret.
        InsertAsync($"INSERT INTO robots ({RobotColumns}) VALUES (@name, @hash, @grants, @at, @expires, @revoked, @by) ON CONFLICT DO NOTHING;",
            ct, ("name", robot.Name), ("hash", robot.SecretHash), ("grants", RobotGrant.FormatList(robot.Grants)),
            ("at", Dialect.Time(robot.CreatedAt)), ("expires", Dialect.Time(robot.ExpiresAt)), ("revoked", Dialect.Time(robot.RevokedAt)),
            ("by", robot.CreatedBy));

    public async Task<RobotRecord?> GetRobotAsync(string name, CancellationToken ct) =>
        (await QueryAsync($"SELECT {RobotColumns} FROM robots WHERE name = @name;", ReadRobot, ct, ("name", name))).SingleOrDefault();

    public async Task<RobotRecord?> FindRobotBySecretHashAsync(string secretHash, CancellationToken ct) =>
        (await QueryAsync($"SELECT {RobotColumns} FROM robots WHERE secret_hash = @hash;", ReadRobot, ct, ("hash", secretHash))).SingleOrDefault();

    public async Task<IReadOnlyList<RobotRecord>> ListRobotsAsync(CancellationToken ct) =>
        await QueryAsync($"SELECT {RobotColumns} FROM robots ORDER BY name;", ReadRobot, ct);

    public Task<AccessStoreOutcome> RevokeRobotAsync(string name, DateTimeOffset at, CancellationToken ct) =>
        // Revoking twice keeps the first time: the audit trail says when it stopped working.
        UpdateAsync("UPDATE robots SET revoked_at = coalesce(revoked_at, @at) WHERE name = @name;", ct, ("name", name), ("at", Dialect.Time(at)));

    public Task<AccessStoreOutcome> CreateNamespaceAsync(NamespaceRecord ns, CancellationToken ct) =>
        InsertAsync("INSERT INTO namespaces (name, is_public, created_at) VALUES (@name, @public, @at) ON CONFLICT DO NOTHING;",
            ct, ("name", ns.Name), ("public", ns.IsPublic), ("at", Dialect.Time(ns.CreatedAt)));

    public async Task<NamespaceRecord?> GetNamespaceAsync(string name, CancellationToken ct) =>
        (await QueryAsync("SELECT name, is_public, created_at FROM namespaces WHERE name = @name;", ReadNamespace, ct, ("name", name))).SingleOrDefault();

    public async Task<IReadOnlyList<NamespaceRecord>> ListNamespacesAsync(CancellationToken ct) =>
        await QueryAsync("SELECT name, is_public, created_at FROM namespaces ORDER BY name;", ReadNamespace, ct);

    public Task<AccessStoreOutcome> SetNamespacePublicAsync(string name, bool isPublic, CancellationToken ct) =>
        UpdateAsync("UPDATE namespaces SET is_public = @public WHERE name = @name;", ct, ("name", name), ("public", isPublic));

    public async Task<AccessStoreOutcome> SetMemberAsync(Membership membership, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        // One statement: the insert happens only when both rows exist, and they stay (ShareKeys) until it is done, so
        // an unknown (or concurrently removed) user or namespace is NotFound, never a foreign-key error.
        int rows = await db.ExecuteAsync(
            $"""
            INSERT INTO namespace_members (namespace, user_name, role)
            SELECT n.name, u.name, @role FROM namespaces n, users u WHERE n.name = @ns AND u.name = @user{Dialect.ShareKeys}
            ON CONFLICT (namespace, user_name) DO UPDATE SET role = excluded.role;
            """,
            ct, ("ns", membership.Namespace), ("user", membership.User), ("role", Roles.Wire(membership.Role)));
        return rows == 0 ? AccessStoreOutcome.NotFound : AccessStoreOutcome.Done;
    }

    public Task<AccessStoreOutcome> RemoveMemberAsync(string ns, string user, CancellationToken ct) =>
        UpdateAsync("DELETE FROM namespace_members WHERE namespace = @ns AND user_name = @user;", ct, ("ns", ns), ("user", user));

    public async Task<IReadOnlyList<Membership>> ListMembersAsync(string ns, CancellationToken ct) =>
        await QueryAsync("SELECT namespace, user_name, role FROM namespace_members WHERE namespace = @ns ORDER BY user_name;",
            ReadMembership, ct, ("ns", ns));

    public async Task<IReadOnlyList<Membership>> ListMembershipsAsync(string user, CancellationToken ct) =>
        await QueryAsync("SELECT namespace, user_name, role FROM namespace_members WHERE user_name = @user ORDER BY namespace;",
            ReadMembership, ct, ("user", user));

    public async Task AddRefreshTokenAsync(RefreshTokenRecord token, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        await db.ExecuteAsync(
            "INSERT INTO refresh_tokens (token_hash, user_name, client_id, created_at, expires_at) VALUES (@hash, @user, @client, @at, @expires);",
            ct, ("hash", token.TokenHash), ("user", token.User), ("client", token.ClientId), ("at", Dialect.Time(token.CreatedAt)),
            ("expires", Dialect.Time(token.ExpiresAt)));
    }

    public async Task<RefreshTokenRecord?> FindRefreshTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken ct) =>
        (await QueryAsync(
            "SELECT token_hash, user_name, client_id, created_at, expires_at FROM refresh_tokens WHERE token_hash = @hash AND expires_at > @now;",
            r => new RefreshTokenRecord(r.GetString(0), r.GetString(1), r.GetString(2), Dialect.ReadTime(r, 3), Dialect.ReadTime(r, 4)),
            ct, ("hash", tokenHash), ("now", Dialect.Time(now)))).SingleOrDefault();

    public Task<AccessStoreOutcome> RemoveRefreshTokenAsync(string tokenHash, CancellationToken ct) =>
        UpdateAsync("DELETE FROM refresh_tokens WHERE token_hash = @hash;", ct, ("hash", tokenHash));

    public async Task<long> AppendAuditAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var db = await _database.ConnectAsync(ct);
        return (long)(await db.ScalarAsync(
            """
            INSERT INTO audit_log (at, subject, action, repository, digest, detail, address, allowed)
            VALUES (@at, @subject, @action, @repository, @digest, @detail, @address, @allowed) RETURNING id;
            """,
            ct, ("at", Dialect.Time(entry.At)), ("subject", entry.Subject), ("action", entry.Action), ("repository", entry.Repository),
            ("digest", entry.Digest), ("detail", entry.Detail), ("address", entry.Address), ("allowed", entry.Allowed)))!;
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? before, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        return await QueryAsync($"SELECT {AuditColumns} FROM audit_log WHERE id < @before ORDER BY id DESC LIMIT @limit;",
            r => new AuditEntry(r.GetInt64(0), Dialect.ReadTime(r, 1), r.GetString(2), r.GetString(3), Text(r, 4), Text(r, 5),
                Text(r, 6), Text(r, 7), r.GetBoolean(8)),
            ct, ("before", before ?? long.MaxValue), ("limit", limit));
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var db = await _database.ConnectAsync(ct);
        return await db.QueryAsync(sql, map, ct, parameters);
    }

    private async Task<AccessStoreOutcome> InsertAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var db = await _database.ConnectAsync(ct);
        return await db.ExecuteAsync(sql, ct, parameters) == 0 ? AccessStoreOutcome.AlreadyExists : AccessStoreOutcome.Done;
    }

    private async Task<AccessStoreOutcome> UpdateAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var db = await _database.ConnectAsync(ct);
        return await db.ExecuteAsync(sql, ct, parameters) == 0 ? AccessStoreOutcome.NotFound : AccessStoreOutcome.Done;
    }

    private UserRecord ReadUser(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetBoolean(2), Dialect.ReadTime(r, 3));

    private RobotRecord ReadRobot(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1),
            RobotGrant.TryParseList(r.GetString(2), out var grants) ? grants : [],
            Dialect.ReadTime(r, 3), Dialect.ReadTimeOrNull(r, 4), Dialect.ReadTimeOrNull(r, 5), r.GetString(6));

    private NamespaceRecord ReadNamespace(DbDataReader r) => new(r.GetString(0), r.GetBoolean(1), Dialect.ReadTime(r, 2));

    private static Membership ReadMembership(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), Roles.TryParse(r.GetString(2), out var role) ? role : Role.Reader);

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}

namespace Wharf.Core.Access;

/// <summary>
/// Who may do what: users, robot accounts, namespaces and their members, refresh tokens and the audit log.
/// Secrets arrive already hashed; a store never sees a password or a token in clear. Names are compared
/// exactly (byte-wise). The schema is created by the metadata store's migrations of the same backend.
/// </summary>
public interface IAccessStore
{
    Task<bool> AnyUserAsync(CancellationToken ct);

    Task<AccessStoreOutcome> AddUserAsync(UserRecord user, CancellationToken ct);

    Task<UserRecord?> GetUserAsync(string name, CancellationToken ct);

    Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct);

    Task<AccessStoreOutcome> SetPasswordHashAsync(string name, string passwordHash, CancellationToken ct);

    /// <summary>Removes the user with their memberships and refresh tokens.</summary>
    Task<AccessStoreOutcome> RemoveUserAsync(string name, CancellationToken ct);

    Task<AccessStoreOutcome> AddRobotAsync(RobotRecord robot, CancellationToken ct);

    Task<RobotRecord?> GetRobotAsync(string name, CancellationToken ct);

    /// <summary>The robot whose secret hashes to <paramref name="secretHash"/>, revoked or not.</summary>
    Task<RobotRecord?> FindRobotBySecretHashAsync(string secretHash, CancellationToken ct);

    Task<IReadOnlyList<RobotRecord>> ListRobotsAsync(CancellationToken ct);

    /// <summary>Marks the robot revoked at <paramref name="at"/>; NotFound when there is no such robot.</summary>
    Task<AccessStoreOutcome> RevokeRobotAsync(string name, DateTimeOffset at, CancellationToken ct);

    Task<AccessStoreOutcome> CreateNamespaceAsync(NamespaceRecord ns, CancellationToken ct);

    Task<NamespaceRecord?> GetNamespaceAsync(string name, CancellationToken ct);

    Task<IReadOnlyList<NamespaceRecord>> ListNamespacesAsync(CancellationToken ct);

    Task<AccessStoreOutcome> SetNamespacePublicAsync(string name, bool isPublic, CancellationToken ct);

    /// <summary>Sets (adds or changes) a member's role; NotFound when the namespace or the user does not exist.</summary>
    Task<AccessStoreOutcome> SetMemberAsync(Membership membership, CancellationToken ct);

    Task<AccessStoreOutcome> RemoveMemberAsync(string ns, string user, CancellationToken ct);

    Task<IReadOnlyList<Membership>> ListMembersAsync(string ns, CancellationToken ct);

    Task<IReadOnlyList<Membership>> ListMembershipsAsync(string user, CancellationToken ct);

    Task AddRefreshTokenAsync(RefreshTokenRecord token, CancellationToken ct);

    /// <summary>The unexpired token with this hash, or null.</summary>
    Task<RefreshTokenRecord?> FindRefreshTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken ct);

    Task<AccessStoreOutcome> RemoveRefreshTokenAsync(string tokenHash, CancellationToken ct);

    /// <summary>Appends a row; the store assigns its id. Returns the id.</summary>
    Task<long> AppendAuditAsync(AuditEntry entry, CancellationToken ct);

    /// <summary>Rows newest first, with ids below <paramref name="before"/> when given; at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? before, int limit, CancellationToken ct);
}

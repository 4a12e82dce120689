namespace Wharf.Core.Access;

/// <summary>A user. <see cref="PasswordHash"/> is a PHC string (<c>$argon2id$…</c>), never the password.</summary>
public sealed record UserRecord(string Name, string PasswordHash, bool IsAdmin, DateTimeOffset CreatedAt);

/// <summary>
/// A robot account for CI: a name, the hash of its secret (the secret itself is shown once and never kept),
/// what it may do, until when, and whether it was revoked.
/// </summary>
public sealed record RobotRecord(
    string Name,
    string SecretHash,
    IReadOnlyList<RobotGrant> Grants,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string CreatedBy)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}

public sealed record NamespaceRecord(string Name, bool IsPublic, DateTimeOffset CreatedAt);

public sealed record Membership(string Namespace, string User, Role Role);

/// <summary>A refresh token (OAuth2 offline token), stored by the hash of its secret.</summary>
public sealed record RefreshTokenRecord(string TokenHash, string User, string ClientId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>What an audit row says happened.</summary>
public static class AuditActions
{
    public const string Login = "login";
    public const string Push = "push";
    public const string Delete = "delete";
    public const string TagMove = "tag";
    public const string Permission = "permission";
}

/// <summary>
/// One audit row: who (subject), did what (action, with a short detail), to which repository and digest, from
/// which address, when, and whether it was allowed. <see cref="Id"/> is assigned by the store and orders rows.
/// </summary>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string Subject,
    string Action,
    string? Repository,
    string? Digest,
    string? Detail,
    string? Address,
    bool Allowed);

public enum AccessStoreOutcome
{
    Done,
    NotFound,
    AlreadyExists,
}

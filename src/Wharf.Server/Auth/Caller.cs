using Wharf.Core.Access;

namespace Wharf.Server.Auth;

public enum CredentialKind
{
    /// <summary>No Authorization header.</summary>
    None,
    Basic,
    Bearer,
}

/// <summary>
/// The outcome of reading a request's credentials. <see cref="Valid"/> false means credentials were given but
/// do not hold (wrong password, bad or expired token, revoked robot); <see cref="RetryAfter"/> means the
/// password was not even checked because of the throttle.
/// </summary>
public sealed record Caller(CredentialKind Credential, Principal Principal, bool Valid = true)
{
    /// <summary>For bearer tokens: the access the token carries. Null for Basic (the principal's own rights count).</summary>
    public IReadOnlyList<AccessScope>? TokenAccess { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public static Caller Nobody { get; } = new(CredentialKind.None, Principal.Anonymous);

    public static Caller Invalid(CredentialKind kind) => new(kind, Principal.Anonymous, Valid: false);

    /// <summary>Whether the token (if any) carries <paramref name="action"/> on <paramref name="repository"/>.</summary>
    public bool TokenCarries(string repository, AccessAction action) =>
        TokenAccess is null || TokenAccess.Any(s => s.Type == AccessScope.RepositoryType && s.Name == repository && (s.Actions & action) == action);

    public bool TokenCarriesCatalog => TokenAccess is null || TokenAccess.Any(s => s.IsCatalog);
}

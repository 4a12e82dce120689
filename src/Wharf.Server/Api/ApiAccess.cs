using Microsoft.AspNetCore.Http;

namespace Wharf.Server.Api;

/// <summary>What an /api/v1 call needs on a repository (or, for a namespace-wide call, on the namespace).</summary>
public enum ApiAction { Pull, Push, Delete, Admin }

/// <summary>
/// The one place /api/v1 asks whether the caller may act on a repository. Every endpoint calls it, and list and
/// search filter each result through it, so a private model never appears once access control exists.
/// </summary>
public static class ApiAccess
{
    /// <summary>
    /// True when the caller may do <paramref name="action"/> on <paramref name="repository"/>.
    /// For now everything is allowed: the access-control merge (branch auth) replaces this body with the real check
    /// against the caller's scopes.
    /// </summary>
    public static ValueTask<bool> AllowsAsync(HttpContext context, string repository, ApiAction action)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(repository);
        _ = action;
        return ValueTask.FromResult(true);
    }

    public static ValueTask<bool> CanReadAsync(HttpContext context, string repository) => AllowsAsync(context, repository, ApiAction.Pull);
}

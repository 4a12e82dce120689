using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core.Access;
using Wharf.Server.Auth;

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
    /// True when the caller may do <paramref name="action"/> on <paramref name="repository"/>: the same decision the
    /// /v2 endpoints make (<see cref="AccessGuard"/>), asked without answering, so a caller that may not sees the
    /// same "not found" whether or not the repository exists.
    /// </summary>
    public static async ValueTask<bool> AllowsAsync(HttpContext context, string repository, ApiAction action)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(repository);
        var guard = context.RequestServices.GetRequiredService<AccessGuard>();
        return await guard.MayAsync(context, repository, action switch
        {
            ApiAction.Pull => AccessAction.Pull,
            ApiAction.Push => AccessAction.Push,
            ApiAction.Delete => AccessAction.Delete,
            _ => AccessAction.Admin,
        });
    }

    public static ValueTask<bool> CanReadAsync(HttpContext context, string repository) => AllowsAsync(context, repository, ApiAction.Pull);
}

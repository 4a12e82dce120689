using Microsoft.AspNetCore.Http;
using Wharf.Core.Policy;

namespace Wharf.Server.Api;

/// <summary>The access a policy endpoint needs on its namespace or repository.</summary>
public enum PolicyRole { Reader, Maintainer, Admin }

/// <summary>
/// Who is calling and what they may do, for the policy endpoints. Until access control lands everyone is the
/// local user and may do everything: the auth merge replaces <see cref="Allows"/> and <see cref="Actor"/> with
/// the token's subject and its scopes, and every endpoint already says what it needs.
/// </summary>
internal static class PolicyAccess
{
    public const string LocalActor = "local";

    /// <summary>Whether the caller holds <paramref name="role"/> on <paramref name="scope"/>. (Auth merge: check the token's scopes.)</summary>
    public static bool Allows(HttpContext context, PolicyScope scope, PolicyRole role) => true;

    /// <summary>The name recorded with a promotion. (Auth merge: the authenticated user or robot.)</summary>
    public static string Actor(HttpContext context) => LocalActor;

    /// <summary>Writes 403 and returns false when the caller lacks <paramref name="role"/>.</summary>
    public static async Task<bool> RequireAsync(HttpContext context, PolicyScope scope, PolicyRole role)
    {
        if (Allows(context, scope, role)) return true;
        await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "DENIED",
            $"{role.ToString().ToLowerInvariant()} access to {scope} is required");
        return false;
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core.Access;
using Wharf.Core.Policy;
using Wharf.Server.Auth;

namespace Wharf.Server.Policy;

/// <summary>The access a policy endpoint needs on its namespace or repository.</summary>
public enum PolicyRole { Reader, Maintainer, Admin }

/// <summary>
/// Who is calling and what they may do, for the policy endpoints: the same decision as every other endpoint
/// (<see cref="AccessGuard"/>), with the roles mapped to actions — reader pulls, maintainer deletes and manages
/// tags, admin manages the namespace's settings.
/// </summary>
internal static class PolicyAccess
{
    /// <summary>The actor recorded when the registry runs open (no users): there is nobody to name.</summary>
    public const string LocalActor = "local";

    /// <summary>The name recorded with a promotion: the signed-in user or robot.</summary>
    public static async Task<string> ActorAsync(HttpContext context)
    {
        var principal = await context.RequestServices.GetRequiredService<AccessGuard>().PrincipalAsync(context);
        return string.IsNullOrEmpty(principal.Name) ? LocalActor : principal.Name;
    }

    /// <summary>The caller as the audit log and tag history name them ("user:alice", "robot:ci", "anonymous").</summary>
    public static async Task<string> SubjectAsync(HttpContext context) =>
        (await context.RequestServices.GetRequiredService<AccessGuard>().PrincipalAsync(context)).Subject;

    /// <summary>Answers 401/403 (and returns false) when the caller lacks <paramref name="role"/> on the scope.</summary>
    public static Task<bool> RequireAsync(HttpContext context, PolicyScope scope, PolicyRole role) =>
        context.RequestServices.GetRequiredService<AccessGuard>().AuthorizeAsync(context, scope.Name, role switch
        {
            PolicyRole.Reader => AccessAction.Pull,
            PolicyRole.Maintainer => AccessAction.Delete,
            _ => AccessAction.Admin,
        });
}

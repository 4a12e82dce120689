using Microsoft.AspNetCore.Http;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Server.Oci;

namespace Wharf.Server.Auth;

public enum AccessOutcome
{
    Allowed,
    /// <summary>No credentials: 401 with the challenge, so the client logs in.</summary>
    Challenge,
    /// <summary>Credentials given but not valid (wrong password, bad or expired token, revoked robot): 401.</summary>
    InvalidCredentials,
    /// <summary>A valid token that lacks this scope although its holder has it: 401, so the client fetches another.</summary>
    InsufficientScope,
    /// <summary>The caller may not: 403 DENIED.</summary>
    Denied,
    /// <summary>Too many wrong passwords: 429 with Retry-After.</summary>
    Throttled,
}

/// <summary>
/// The one access check every endpoint uses, /v2 and /api/v1 alike:
/// <c>await guard.AuthorizeAsync(context, repository, AccessAction.Pull)</c> answers the request (401, 403 or
/// 429) and returns false when the caller may not go on; <see cref="MayAsync"/> only asks, for filtering
/// listings. The outcome never depends on whether the repository exists, so a caller without pull cannot tell
/// a private repository from a missing one.
/// </summary>
public sealed class AccessGuard(Authenticator authenticator, AuthMode mode, IAccessStore store, AuthSettings settings)
{
    public const string DeniedMessage = "requested access to the resource is denied";
    private static readonly object FactsKey = new();

    public async Task<AccessOutcome> DecideAsync(HttpContext context, string repository, AccessAction action)
    {
        if (!await mode.IsEnforcedAsync(context.RequestAborted)) return AccessOutcome.Allowed;
        var caller = await authenticator.CallerAsync(context);
        if (!caller.Valid) return caller.RetryAfter is null ? AccessOutcome.InvalidCredentials : AccessOutcome.Throttled;
        var facts = await FactsAsync(context, Namespaces.Of(repository));
        bool holds = AccessRules.Allows(caller.Principal, repository, action, facts);
        if (caller.Credential == CredentialKind.None) return holds ? AccessOutcome.Allowed : AccessOutcome.Challenge;
        if (!holds) return AccessOutcome.Denied;
        return caller.TokenCarries(repository, action) ? AccessOutcome.Allowed : AccessOutcome.InsufficientScope;
    }

    /// <summary>Checks and, when the caller may not, writes the answer. True when the request may go on.</summary>
    public async Task<bool> AuthorizeAsync(HttpContext context, string repository, AccessAction action)
    {
        var outcome = await DecideAsync(context, repository, action);
        if (outcome == AccessOutcome.Allowed) return true;
        await WriteAsync(context, outcome, AccessScope.Repository(repository, ChallengeActions(action)));
        return false;
    }

    /// <summary>Whether the caller may, without answering anything: for filtering what a listing shows.</summary>
    public async Task<bool> MayAsync(HttpContext context, string repository, AccessAction action) =>
        await DecideAsync(context, repository, action) == AccessOutcome.Allowed;

    /// <summary>/v2/ and the catalog need a caller with valid credentials (or any token); the catalog is then filtered.</summary>
    public async Task<bool> AuthorizeSignedInAsync(HttpContext context, AccessScope? scope)
    {
        if (!await mode.IsEnforcedAsync(context.RequestAborted)) return true;
        var caller = await authenticator.CallerAsync(context);
        var outcome = !caller.Valid ? (caller.RetryAfter is null ? AccessOutcome.InvalidCredentials : AccessOutcome.Throttled)
            : caller.Credential == CredentialKind.None ? AccessOutcome.Challenge
            : scope is { IsCatalog: true } && !caller.TokenCarriesCatalog ? AccessOutcome.InsufficientScope
            : AccessOutcome.Allowed;
        if (outcome == AccessOutcome.Allowed) return true;
        await WriteAsync(context, outcome, scope);
        return false;
    }

    /// <summary>Registry administration (the admin API): a registry administrator signed in with a password or token.</summary>
    public async Task<bool> AuthorizeAdminAsync(HttpContext context)
    {
        if (!await AuthorizeSignedInAsync(context, null)) return false;
        if (!await mode.IsEnforcedAsync(context.RequestAborted)) return true;
        var caller = await authenticator.CallerAsync(context);
        if (caller.Principal.IsAdmin) return true;
        await WriteAsync(context, AccessOutcome.Denied, null);
        return false;
    }

    /// <summary>Who is calling (anonymous when no or invalid credentials).</summary>
    public async Task<Principal> PrincipalAsync(HttpContext context)
    {
        var caller = await authenticator.CallerAsync(context);
        return caller.Valid ? caller.Principal : Principal.Anonymous;
    }

    public async Task WriteAsync(HttpContext context, AccessOutcome outcome, AccessScope? scope)
    {
        var response = context.Response;
        switch (outcome)
        {
            // A HEAD answer has no body to carry the DENIED message, and clients read a 401 on HEAD as "not
            // there" and go on to the request whose 403 they do show (podman's blob reuse check does this).
            case AccessOutcome.Denied when !HttpMethods.IsHead(context.Request.Method):
                await OciHttp.WriteErrorAsync(context, OciErrorCode.Denied, DeniedMessage, Detail(scope));
                return;
            case AccessOutcome.Throttled:
                var caller = await authenticator.CallerAsync(context);
                response.Headers.RetryAfter = RetryAfterSeconds(caller.RetryAfter);
                await OciHttp.WriteErrorAsync(context, OciErrorCode.TooManyRequests, "too many failed logins; retry later");
                return;
            default:
                var error = outcome switch
                {
                    AccessOutcome.InvalidCredentials => ",error=\"invalid_token\"",
                    AccessOutcome.InsufficientScope or AccessOutcome.Denied => ",error=\"insufficient_scope\"",
                    _ => "",
                };
                var scopePart = scope is null ? "" : $",scope=\"{scope}\"";
                response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm(context)}\",service=\"{settings.Service}\"{scopePart}{error}";
                var message = outcome == AccessOutcome.InvalidCredentials ? "authentication failed" : "authentication required";
                await OciHttp.WriteErrorAsync(context, OciErrorCode.Unauthorized, message, Detail(scope));
                return;
        }
    }

    public static string RetryAfterSeconds(TimeSpan? wait) =>
        Math.Max(1, (int)Math.Ceiling(wait?.TotalSeconds ?? 1)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Realm(HttpContext context) => settings.Realm ?? $"{context.Request.Scheme}://{context.Request.Host}/auth/token";

    /// <summary>Clients that push also pull (to check what exists), so a push challenge asks for both.</summary>
    private static AccessAction ChallengeActions(AccessAction action) =>
        action.HasFlag(AccessAction.Push) ? action | AccessAction.Pull : action;

    private static object? Detail(AccessScope? scope) => scope is null ? null : new[] { new { type = scope.Type, name = scope.Name, action = scope.IsCatalog ? "*" : AccessActions.Format(scope.Actions) } };

    private async Task<NamespaceFacts> FactsAsync(HttpContext context, string ns)
    {
        if (context.Items[FactsKey] is not Dictionary<string, NamespaceFacts> cache)
            context.Items[FactsKey] = cache = new Dictionary<string, NamespaceFacts>(StringComparer.Ordinal);
        if (cache.TryGetValue(ns, out var facts)) return facts;
        var record = await store.GetNamespaceAsync(ns, context.RequestAborted);
        return cache[ns] = new NamespaceFacts(record?.IsPublic ?? false);
    }
}

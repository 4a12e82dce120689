using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core.Access;

namespace Wharf.Server.Auth;

/// <summary>
/// /auth/token, as Docker and OCI clients expect it: GET with Basic credentials or none (anonymous), and the
/// OAuth2 POST form (grant_type=password or refresh_token). The token carries the subset of the requested
/// scopes the caller holds; asking for more is not an error, the token just does not carry it.
/// </summary>
public static class TokenEndpoint
{
    public const string Path = "/auth/token";

    public static void MapTokenEndpoint(this WebApplication app)
    {
        app.MapGet(Path, (RequestDelegate)GetAsync);
        app.MapPost(Path, (RequestDelegate)PostAsync);
    }

    private static async Task GetAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (!Prepare(context, query["service"], query["scope"], out var scopes, out var problem))
        {
            await problem!;
            return;
        }
        var authenticator = context.RequestServices.GetRequiredService<Authenticator>();
        string? header = context.Request.Headers.Authorization;
        var principal = Principal.Anonymous;
        if (!string.IsNullOrWhiteSpace(header))
        {
            if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                || !Authenticator.TryParseBasic(header[6..].Trim(), out var user, out var password))
            {
                await ErrorAsync(context, 400, "invalid_request", "the token endpoint takes Basic credentials (base64 of user:password) or none");
                return;
            }
            var checkedPrincipal = await LoginAsync(context, user, password, "token");
            if (checkedPrincipal is null) return;
            principal = checkedPrincipal;
        }
        bool offline = string.Equals(query["offline_token"], "true", StringComparison.OrdinalIgnoreCase);
        await IssueAsync(context, principal, scopes, offline ? (string?)query["client_id"] ?? "unknown" : null, null);
    }

    private static async Task PostAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            await ErrorAsync(context, 400, "invalid_request", "POST the token request as application/x-www-form-urlencoded");
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!Prepare(context, form["service"], form["scope"], out var scopes, out var problem))
        {
            await problem!;
            return;
        }
        string clientId = form["client_id"].FirstOrDefault() is { Length: > 0 } id ? id : "unknown";
        bool offline = string.Equals(form["access_type"], "offline", StringComparison.OrdinalIgnoreCase);
        switch (form["grant_type"].FirstOrDefault())
        {
            case "password":
                string? user = form["username"], password = form["password"];
                if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
                {
                    await ErrorAsync(context, 400, "invalid_request", "grant_type=password needs username and password");
                    return;
                }
                var principal = await LoginAsync(context, user, password, "oauth2 password");
                if (principal is null) return;
                await IssueAsync(context, principal, scopes, offline ? clientId : null, null);
                return;
            case "refresh_token":
                string? refresh = form["refresh_token"];
                if (string.IsNullOrEmpty(refresh))
                {
                    await ErrorAsync(context, 400, "invalid_request", "grant_type=refresh_token needs refresh_token");
                    return;
                }
                var holder = await RefreshAsync(context, refresh);
                if (holder is null) return;
                await IssueAsync(context, holder, scopes, null, refresh);
                return;
            case null or "":
                await ErrorAsync(context, 400, "invalid_request", "grant_type is required (password or refresh_token)");
                return;
            default:
                await ErrorAsync(context, 400, "unsupported_grant_type", "grant_type must be password or refresh_token");
                return;
        }
    }

    /// <summary>Checks the service and parses the scopes; on a problem, <paramref name="problem"/> writes the answer.</summary>
    private static bool Prepare(HttpContext context, string? service, IEnumerable<string?> scopeValues,
        out List<AccessScope> scopes, out Task? problem)
    {
        scopes = [];
        problem = null;
        var settings = context.RequestServices.GetRequiredService<AuthSettings>();
        if (!string.IsNullOrEmpty(service) && service != settings.Service)
        {
            problem = ErrorAsync(context, 400, "invalid_request", $"unknown service '{service}'; this registry is '{settings.Service}'");
            return false;
        }
        foreach (var text in scopeValues.SelectMany(v => (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!AccessScope.TryParse(text, out var scope))
            {
                problem = ErrorAsync(context, 400, "invalid_scope",
                    $"scope '{text}' is not TYPE:NAME:ACTIONS with a valid repository name (e.g. repository:team/model:pull,push or registry:catalog:*)");
                return false;
            }
            scopes.Add(scope);
        }
        return true;
    }

    private static async Task<Principal?> LoginAsync(HttpContext context, string user, string password, string how)
    {
        var services = context.RequestServices;
        var outcome = await services.GetRequiredService<Authenticator>()
            .CheckPasswordAsync(user, password, AuditLog.Address(context), context.RequestAborted);
        if (outcome.RetryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = AccessGuard.RetryAfterSeconds(wait);
            await ErrorAsync(context, 429, "too_many_requests", "too many failed logins for this user from this address; retry later");
            return null;
        }
        var audit = services.GetRequiredService<AuditLog>();
        if (outcome.Principal is null)
        {
            await audit.RecordAsync(context, "user:" + user, AuditActions.Login, null, null, how, allowed: false);
            await ErrorAsync(context, 401, "invalid_grant", "invalid username or password");
            return null;
        }
        await audit.RecordAsync(context, outcome.Principal.Subject, AuditActions.Login, null, null, how, allowed: true);
        return outcome.Principal;
    }

    private static async Task<Principal?> RefreshAsync(HttpContext context, string refresh)
    {
        var services = context.RequestServices;
        var store = services.GetRequiredService<IAccessStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var record = await store.FindRefreshTokenAsync(Secrets.Hash(refresh), now, context.RequestAborted);
        var user = record is null ? null : await store.GetUserAsync(record.User, context.RequestAborted);
        if (user is null)
        {
            await ErrorAsync(context, 400, "invalid_grant", "the refresh token is unknown or expired; log in again");
            return null;
        }
        return await services.GetRequiredService<Authenticator>().UserPrincipalAsync(user, context.RequestAborted);
    }

    private static async Task IssueAsync(HttpContext context, Principal principal, List<AccessScope> requested, string? offlineClient, string? refresh)
    {
        var services = context.RequestServices;
        var ct = context.RequestAborted;
        bool enforced = await services.GetRequiredService<AuthMode>().IsEnforcedAsync(ct);
        var granted = await GrantAsync(services, principal, requested, enforced, ct);
        var token = services.GetRequiredService<TokenIssuer>().Issue(principal.Subject, granted);

        // Offline (refresh) tokens are for people; robots log in with their secret every time.
        if (offlineClient is not null && principal.Kind == PrincipalKind.User)
        {
            refresh = Secrets.NewRefreshToken();
            var settings = services.GetRequiredService<AuthSettings>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            await services.GetRequiredService<IAccessStore>().AddRefreshTokenAsync(
                new RefreshTokenRecord(Secrets.Hash(refresh), principal.Name, offlineClient, now, now + settings.RefreshTokenLifetime), ct);
        }

        var response = context.Response;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("token", token.Jwt);
            json.WriteString("access_token", token.Jwt);
            json.WriteNumber("expires_in", (int)token.Lifetime.TotalSeconds);
            json.WriteString("issued_at", token.IssuedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteString("scope", string.Join(' ', granted));
            if (refresh is not null) json.WriteString("refresh_token", refresh);
            json.WriteEndObject();
        }
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
    }

    /// <summary>Each requested scope narrowed to what the principal holds; scopes left with no action are dropped.</summary>
    private static async Task<List<AccessScope>> GrantAsync(IServiceProvider services, Principal principal, List<AccessScope> requested,
        bool enforced, CancellationToken ct)
    {
        var store = services.GetRequiredService<IAccessStore>();
        var granted = new List<AccessScope>();
        foreach (var scope in requested)
        {
            if (scope.IsCatalog)
            {
                // Anyone may ask for the catalog; it lists only what the caller may pull.
                granted.Add(AccessScope.Catalog);
                continue;
            }
            var actions = scope.Actions;
            if (enforced)
            {
                var ns = await store.GetNamespaceAsync(Namespaces.Of(scope.Name), ct);
                actions = AccessRules.Granted(principal, scope.Name, scope.Actions, new NamespaceFacts(ns?.IsPublic ?? false));
            }
            if (actions != AccessAction.None) granted.Add(scope with { Actions = actions });
        }
        return granted;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string error, string description)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("error", error);
            json.WriteString("error_description", description);
            json.WriteEndObject();
        }
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core.Access;
using Wharf.Server.Auth;
using Wharf.Server.Http;

using Wharf.Server.Api;

namespace Wharf.Server.Access;

/// <summary>
/// /api/v1 administration: users, robot tokens, namespaces and members, and the audit log. Users, robots and the
/// audit log are for registry administrators; a namespace's settings and members also for its own admins.
/// </summary>
public static class AdminEndpoints
{
    private const int DefaultAuditPage = 100;
    private const int MaxAuditPage = 1000;
    private const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>This module's rows of the /api/v1 table.</summary>
    internal static readonly ApiRoute[] Routes =
    [
        ApiRoute.Get("users", Admin(ListUsersAsync)),
        ApiRoute.Post("users", Admin(AddUserAsync)),
        ApiRoute.Put("users/{name}/password", Admin(SetPasswordAsync)),
        ApiRoute.Delete("users/{name}", Admin(RemoveUserAsync)),
        ApiRoute.Get("tokens", Admin(ListRobotsAsync)),
        ApiRoute.Post("tokens", Admin(CreateRobotAsync)),
        ApiRoute.Delete("tokens/{name}", Admin(RevokeRobotAsync)),
        ApiRoute.Get("namespaces", Admin(ListNamespacesAsync)),
        ApiRoute.Post("namespaces", NamespaceAdmin(CreateNamespaceAsync, fromBody: true)),
        ApiRoute.Patch("namespaces/{ns}", NamespaceAdmin(SetPublicAsync)),
        ApiRoute.Get("namespaces/{ns}/members", NamespaceAdmin(ListMembersAsync)),
        ApiRoute.Put("namespaces/{ns}/members/{user}", NamespaceAdmin(GrantAsync)),
        ApiRoute.Delete("namespaces/{ns}/members/{user}", NamespaceAdmin(RevokeAsync)),
        ApiRoute.Get("audit", Admin(AuditAsync)),
    ];

    private delegate Task Handler(HttpContext context, AccessAdmin admin, string actor, JsonObject? body);

    /// <summary>Registry administrators only.</summary>
    private static RequestDelegate Admin(Handler handler) => async context =>
    {
        var guard = context.RequestServices.GetRequiredService<AccessGuard>();
        if (!await guard.AuthorizeAdminAsync(context)) return;
        await RunAsync(context, handler);
    };

    /// <summary>Registry administrators and the namespace's own admins (the namespace from the route, or the body's name).</summary>
    private static RequestDelegate NamespaceAdmin(Handler handler, bool fromBody = false) => async context =>
    {
        var guard = context.RequestServices.GetRequiredService<AccessGuard>();
        string? ns = ApiRoute.Value(context, "ns");
        JsonObject? body = null;
        if (fromBody)
        {
            body = await ReadBodyAsync(context);
            if (body is null) return;
            ns = body["name"]?.GetValueKind() == JsonValueKind.String ? body["name"]!.GetValue<string>() : null;
        }
        if (!Namespaces.IsValid(ns))
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.NameInvalid, $"'{ns}' is not a namespace name");
            return;
        }
        if (!await guard.AuthorizeAsync(context, ns, AccessAction.Admin)) return;
        await RunAsync(context, handler, body);
    };

    private static async Task RunAsync(HttpContext context, Handler handler, JsonObject? body = null)
    {
        var services = context.RequestServices;
        var actor = (await services.GetRequiredService<AccessGuard>().PrincipalAsync(context)).Subject;
        if (body is null && context.Request.Method is "POST" or "PUT" or "PATCH")
        {
            body = await ReadBodyAsync(context);
            if (body is null) return;
        }
        await handler(context, services.GetRequiredService<AccessAdmin>(), actor, body);
    }

    private static async Task ListUsersAsync(HttpContext context, AccessAdmin _, string __, JsonObject? ___)
    {
        var users = await Store(context).ListUsersAsync(context.RequestAborted);
        await WriteAsync(context, 200, new { users = users.Select(u => new { name = u.Name, admin = u.IsAdmin, created_at = u.CreatedAt }) });
    }

    private static Task AddUserAsync(HttpContext context, AccessAdmin admin, string actor, JsonObject? body) =>
        OutcomeAsync(context, AddAndEnforceAsync(context, admin.AddUserAsync(Text(body, "name"), Text(body, "password"), Flag(body, "admin"), actor, AuditLog.Address(context), context.RequestAborted)), 201);

    /// <summary>The first user turns access control on; on this node from the very next request.</summary>
    private static async Task<AdminOutcome> AddAndEnforceAsync(HttpContext context, Task<AdminOutcome> adding)
    {
        var outcome = await adding;
        if (outcome.Ok) context.RequestServices.GetRequiredService<AuthMode>().Enforce();
        return outcome;
    }

    private static Task SetPasswordAsync(HttpContext context, AccessAdmin admin, string actor, JsonObject? body) =>
        OutcomeAsync(context, admin.SetPasswordAsync(ApiRoute.Value(context, "name"), Text(body, "password"), actor, AuditLog.Address(context), context.RequestAborted));

    private static Task RemoveUserAsync(HttpContext context, AccessAdmin admin, string actor, JsonObject? _) =>
        OutcomeAsync(context, admin.RemoveUserAsync(ApiRoute.Value(context, "name"), actor, AuditLog.Address(context), context.RequestAborted));

    private static async Task ListRobotsAsync(HttpContext context, AccessAdmin _, string __, JsonObject? ___)
    {
        var robots = await Store(context).ListRobotsAsync(context.RequestAborted);
        await WriteAsync(context, 200, new { tokens = robots.Select(RobotJson) });
    }

    private static async Task CreateRobotAsync(HttpContext context, AccessAdmin admin, string actor, JsonObject? body)
    {
        var grants = body?["grants"] is JsonArray array ? array.Select(g => g?.GetValueKind() == JsonValueKind.String ? g.GetValue<string>() : "") : [Text(body, "grants")];
        TimeSpan? lifetime = body?["expires_in_days"] is JsonValue days && days.TryGetValue<double>(out var d) ? TimeSpan.FromDays(d) : null;
        var (outcome, robot) = await admin.CreateRobotAsync(Text(body, "name"), grants, lifetime, actor, AuditLog.Address(context), context.RequestAborted);
        if (robot is null)
        {
            await OutcomeAsync(context, Task.FromResult(outcome));
            return;
        }
        // The secret is in this answer and nowhere else, ever.
        context.Response.Headers.CacheControl = "no-store";
        await WriteAsync(context, 201, new { token = RobotJson(robot.Robot), secret = robot.Secret });
    }

    private static Task RevokeRobotAsync(HttpContext context, AccessAdmin admin, string actor, JsonObject? _) =>
        OutcomeAsync(context, admin.RevokeRobotAsync(ApiRoute.Value(context, "name"), actor, AuditLog.Address(context), context.RequestAborted));

    private static async Task ListNamespacesAsync(HttpContext context, AccessAdmin _, string __, JsonObject? ___)
    {
        var namespaces = await Store(context).ListNamespacesAsync(context.RequestAborted);
        await WriteAsync(context, 200, new { namespaces = namespaces.Select(n => new { name = n.Name, @public = n.IsPublic, created_at = n.CreatedAt }) });
    }

    private static Task CreateNamespaceAsync(HttpContext context, AccessAdmin admin, string actor, JsonObject? body) =>
        OutcomeAsync(context, admin.CreateNamespaceAsync(Text(body, "name"), Flag(body, "public"), actor, AuditLog.Address(context), context.RequestAborted), 201);

    private static async Task SetPublicAsync(HttpContext context, AccessAdmin admin, string actor, JsonObject? body)
    {
        if (body?["public"] is not JsonValue value || !value.TryGetValue<bool>(out var isPublic))
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.Invalid, "the body must say {\"public\": true} or {\"public\": false}");
            return;
        }
        await OutcomeAsync(context, admin.SetPublicAsync(ApiRoute.Value(context, "ns"), isPublic, actor, AuditLog.Address(context), context.RequestAborted));
    }

    private static async Task ListMembersAsync(HttpContext context, AccessAdmin _, string __, JsonObject? ___)
    {
        var members = await Store(context).ListMembersAsync(ApiRoute.Value(context, "ns"), context.RequestAborted);
        await WriteAsync(context, 200, new { members = members.Select(m => new { user = m.User, role = Roles.Wire(m.Role) }) });
    }

    private static Task GrantAsync(HttpContext context, AccessAdmin admin, string actor, JsonObject? body) =>
        OutcomeAsync(context, admin.GrantAsync(ApiRoute.Value(context, "ns"), ApiRoute.Value(context, "user"), Text(body, "role"), actor, AuditLog.Address(context), context.RequestAborted));

    private static Task RevokeAsync(HttpContext context, AccessAdmin admin, string actor, JsonObject? _) =>
        OutcomeAsync(context, admin.RevokeAsync(ApiRoute.Value(context, "ns"), ApiRoute.Value(context, "user"), actor, AuditLog.Address(context), context.RequestAborted));

    /// <summary>GET /api/v1/audit?limit=N&amp;before=ID: newest first; <c>next</c> is the <c>before</c> of the following page.</summary>
    private static async Task AuditAsync(HttpContext context, AccessAdmin _, string __, JsonObject? ___)
    {
        var query = context.Request.Query;
        int limit = DefaultAuditPage;
        long? before = null;
        if ((query["limit"].FirstOrDefault() is { } l && (!int.TryParse(l, CultureInfo.InvariantCulture, out limit) || limit < 1))
            || (query["before"].FirstOrDefault() is { } b && (!long.TryParse(b, CultureInfo.InvariantCulture, out var parsed) || (before = parsed) < 1)))
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.PaginationNumberInvalid, "limit and before must be positive integers");
            return;
        }
        limit = Math.Min(limit, MaxAuditPage);
        var entries = await Store(context).ListAuditAsync(before, limit, context.RequestAborted);
        await WriteAsync(context, 200, new
        {
            entries = entries.Select(AuditJson),
            next = entries.Count == limit ? entries[^1].Id : (long?)null,
        });
    }

    public static object AuditJson(AuditEntry e) => new
    {
        id = e.Id, at = e.At, subject = e.Subject, action = e.Action, repository = e.Repository, digest = e.Digest,
        detail = e.Detail, address = e.Address, allowed = e.Allowed,
    };

    private static object RobotJson(RobotRecord r) => new
    {
        name = r.Name, grants = r.Grants.Select(g => g.ToString()), created_at = r.CreatedAt, expires_at = r.ExpiresAt,
        revoked_at = r.RevokedAt, created_by = r.CreatedBy,
    };

    private static async Task OutcomeAsync(HttpContext context, Task<AdminOutcome> change, int okStatus = 200)
    {
        var outcome = await change;
        if (outcome.Ok)
        {
            await WriteAsync(context, okStatus, new { message = outcome.Message });
            return;
        }
        var code = outcome.Status switch
        {
            AdminStatus.NotFound => ApiErrorCode.NotFound,
            AdminStatus.Conflict => ApiErrorCode.Conflict,
            _ => ApiErrorCode.Invalid,
        };
        await ApiErrors.WriteAsync(context, code, outcome.Message);
    }

    private static async Task<JsonObject?> ReadBodyAsync(HttpContext context)
    {
        try
        {
            // An admin request is a handful of short fields; over the bound it is no object this API takes.
            var bytes = await BoundedBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
            if (bytes is not null && JsonNode.Parse(bytes) is JsonObject body) return body;
        }
        catch (JsonException)
        {
            // answered below
        }
        await ApiErrors.WriteAsync(context, ApiErrorCode.Invalid, "the body must be a JSON object");
        return null;
    }

    private static string Text(JsonObject? body, string name) =>
        body?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static bool Flag(JsonObject? body, string name) =>
        body?[name] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    private static IAccessStore Store(HttpContext context) => context.RequestServices.GetRequiredService<IAccessStore>();

    private static async Task WriteAsync(HttpContext context, int status, object value)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}

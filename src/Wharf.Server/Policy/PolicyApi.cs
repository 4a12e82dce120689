using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Wharf.Core.Policy;
using Wharf.Server.Api;

namespace Wharf.Server.Policy;

/// <summary>
/// The versioning-policy part of /api/v1: policies of namespaces and repositories, promotions, retention runs.
/// Repository names hold slashes, so a repository route is one catch-all whose last segment names the action;
/// its constraint claims only those actions, leaving other /api/v1/repositories/… routes to other modules.
/// </summary>
public static class PolicyApi
{
    internal const string RepositoryPrefix = "/api/v1/repositories/";

    /// <summary>What …/repositories/NAME/ACTION serves, by method and action: the one table dispatch and the OpenAPI check read.</summary>
    internal static readonly IReadOnlyDictionary<(string Method, string Action), Func<HttpContext, PolicyScope, Task>> RepositoryRoutes =
        new Dictionary<(string, string), Func<HttpContext, PolicyScope, Task>>
        {
            [("GET", "policy")] = PolicyHandlers.GetAsync,
            [("PUT", "policy")] = PolicyHandlers.PutAsync,
            [("POST", "promote")] = PolicyPromotionHandlers.PromoteAsync,
            [("GET", "promotions")] = PolicyPromotionHandlers.HistoryAsync,
            [("POST", "retention")] = PolicyRetentionHandlers.RunAsync,
        };

    internal static readonly string[] RepositoryActions = RepositoryRoutes.Keys.Select(k => k.Action).Distinct().ToArray();

    internal static void MapPolicyApi(this WebApplication app)
    {
        app.MapMethods("/api/v1/namespaces/{ns}/policy", ["GET"], c => PolicyHandlers.GetAsync(c, NamespaceScope(c)));
        app.MapMethods("/api/v1/namespaces/{ns}/policy", ["PUT"], c => PolicyHandlers.PutAsync(c, NamespaceScope(c)));
        app.MapMethods("/api/v1/namespaces/{ns}/retention", ["POST"], c => PolicyRetentionHandlers.RunAsync(c, NamespaceScope(c)));

        var pattern = RoutePatternFactory.Parse(RepositoryPrefix + "{**target}", defaults: null,
            parameterPolicies: new { target = new RepositoryActionConstraint() });
        app.Map(pattern, DispatchRepositoryAsync).WithMetadata(new HttpMethodMetadata(RepositoryRoutes.Keys.Select(k => k.Method).Distinct().ToArray()));
    }

    private static Task DispatchRepositoryAsync(HttpContext context)
    {
        var target = (string)context.Request.RouteValues["target"]!;
        int slash = target.LastIndexOf('/');
        var scope = PolicyScope.Repository(target[..slash]);
        var (method, action) = (context.Request.Method, target[(slash + 1)..]);
        return RepositoryRoutes.TryGetValue((method, action), out var handle)
            ? handle(context, scope)
            : ApiErrors.WriteAsync(context, ApiErrorCode.MethodNotAllowed, $"{method} is not supported on …/{action}");
    }

    private static PolicyScope NamespaceScope(HttpContext context) => PolicyScope.Namespace((string)context.Request.RouteValues["ns"]!);

    /// <summary>Matches "NAME/ACTION" where ACTION is one of this module's and NAME is not empty.</summary>
    private sealed class RepositoryActionConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
        {
            if (values[routeKey] is not string target) return false;
            int slash = target.LastIndexOf('/');
            return slash > 0 && RepositoryActions.Contains(target[(slash + 1)..], StringComparer.Ordinal);
        }
    }

    /// <summary>Writes a PolicyProblem as its status and error code.</summary>
    internal static Task WriteProblemAsync(HttpContext context, PolicyProblem problem) => problem.Kind switch
    {
        PolicyProblemKind.BadRequest => ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, problem.Message),
        PolicyProblemKind.NotFound => ApiErrors.WriteAsync(context, ApiErrorCode.NotFound, problem.Message),
        PolicyProblemKind.Refused => ApiErrors.WriteAsync(context, ApiErrorCode.Refused, problem.Message),
        _ => ApiErrors.WriteAsync(context, ApiErrorCode.Conflict, problem.Message),
    };

    internal static async Task WriteJsonAsync<T>(HttpContext context, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }
}

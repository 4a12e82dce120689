using Microsoft.AspNetCore.Http;
using Wharf.Core.Policy;
using Wharf.Server.Api;

namespace Wharf.Server.Policy;

/// <summary>
/// The versioning-policy part of /api/v1: policies of namespaces and repositories, promotions, retention runs.
/// </summary>
public static class PolicyApi
{
    /// <summary>This module's rows of the /api/v1 table.</summary>
    internal static readonly ApiRoute[] Routes =
    [
        ApiRoute.Get("namespaces/{ns}/policy", c => PolicyHandlers.GetAsync(c, NamespaceScope(c))),
        ApiRoute.Put("namespaces/{ns}/policy", c => PolicyHandlers.PutAsync(c, NamespaceScope(c))),
        ApiRoute.Post("namespaces/{ns}/retention", c => PolicyRetentionHandlers.RunAsync(c, NamespaceScope(c))),
        ApiRoute.Get("repositories/{repository}/policy", c => PolicyHandlers.GetAsync(c, RepositoryScope(c))),
        ApiRoute.Put("repositories/{repository}/policy", c => PolicyHandlers.PutAsync(c, RepositoryScope(c))),
        ApiRoute.Post("repositories/{repository}/promote", c => PolicyPromotionHandlers.PromoteAsync(c, RepositoryScope(c))),
        ApiRoute.Get("repositories/{repository}/promotions", c => PolicyPromotionHandlers.HistoryAsync(c, RepositoryScope(c))),
        ApiRoute.Post("repositories/{repository}/retention", c => PolicyRetentionHandlers.RunAsync(c, RepositoryScope(c))),
    ];

    private static PolicyScope NamespaceScope(HttpContext context) => PolicyScope.Namespace(ApiRoute.Value(context, "ns"));

    private static PolicyScope RepositoryScope(HttpContext context) => PolicyScope.Repository(ApiRoute.RepositoryOf(context));

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

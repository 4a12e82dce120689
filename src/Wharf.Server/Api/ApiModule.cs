using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Server.Http;

namespace Wharf.Server.Api;

/// <summary>
/// /api/v1 as one table (<see cref="ApiRouteTable"/>): the host adds it and mounts its dispatcher; each module adds
/// its rows from its MapX() with <see cref="MapApiRoutes"/>. The OpenAPI document is served from here.
/// </summary>
public static class ApiModule
{
    private const string Prefix = "/api/v1";

    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.AddSingleton<ApiRouteTable>();
        return services;
    }

    public static void MapApi(this WebApplication app)
    {
        app.MapApiRoutes(ApiRoute.Get("openapi.yaml", ServeOpenApiAsync));
        app.Map(Prefix, branch => branch.Run(DispatchAsync));
    }

    /// <summary>Adds a module's rows to the /api/v1 table.</summary>
    public static void MapApiRoutes(this WebApplication app, params IEnumerable<ApiRoute> routes)
    {
        var table = app.Services.GetRequiredService<ApiRouteTable>();
        foreach (var route in routes) table.Add(route);
    }

    private static Task DispatchAsync(HttpContext context)
    {
        string path = (context.Request.Path.Value ?? "").TrimStart('/');
        var match = context.RequestServices.GetRequiredService<ApiRouteTable>().Match(path, context.Request.Method);
        if (match.Route is null)
        {
            if (match.Allowed.Count == 0)
                return ApiErrors.WriteAsync(context, ApiErrorCode.NotFound, $"no API at {context.Request.PathBase}{context.Request.Path}; see {Prefix}/openapi.yaml");
            context.Response.Headers.Allow = string.Join(", ", match.Allowed);
            return ApiErrors.WriteAsync(context, ApiErrorCode.MethodNotAllowed,
                $"{context.Request.Method} is not supported here; this path takes {string.Join(", ", match.Allowed)}");
        }
        foreach (var (name, value) in match.Values!) context.Request.RouteValues[name] = value;
        // Handlers see the whole path, as under endpoint routing (their Link headers and messages quote it).
        context.Request.Path = context.Request.PathBase.Add(context.Request.Path);
        context.Request.PathBase = PathString.Empty;
        RouteTemplate.Set(context, $"{Prefix}/{match.Route.Template}");
        if (match.Values.TryGetValue(ApiRoute.Repository, out var repository) && !Reference.IsValidName(repository))
            return ApiErrors.WriteAsync(context, ApiErrorCode.NameInvalid, $"'{repository}' is not a valid repository name");
        return match.Route.Handle(context);
    }

    private static async Task ServeOpenApiAsync(HttpContext context)
    {
        await using var spec = typeof(ApiModule).Assembly.GetManifestResourceStream("Wharf.Server.Api.openapi.yaml")
            ?? throw new InvalidOperationException("the OpenAPI document is not embedded");
        context.Response.ContentType = "application/yaml";
        context.Response.ContentLength = spec.Length;
        await spec.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}

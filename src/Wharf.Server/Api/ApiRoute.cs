using Microsoft.AspNetCore.Http;

namespace Wharf.Server.Api;

/// <summary>
/// One /api/v1 endpoint: the method, the path under /api/v1/ and the handler. In the template, <c>{repository}</c>
/// stands for a repository name (one or more segments, as in /v2) and any other <c>{name}</c> for one segment;
/// the handler finds the values in <c>context.Request.RouteValues</c>.
/// </summary>
public sealed record ApiRoute(string Method, string Template, RequestDelegate Handle)
{
    /// <summary>The parameter that spans segments; a template holds it at most once.</summary>
    public const string Repository = "repository";

    public static ApiRoute Get(string template, RequestDelegate handle) => new(HttpMethods.Get, template, handle);
    public static ApiRoute Post(string template, RequestDelegate handle) => new(HttpMethods.Post, template, handle);
    public static ApiRoute Put(string template, RequestDelegate handle) => new(HttpMethods.Put, template, handle);
    public static ApiRoute Patch(string template, RequestDelegate handle) => new(HttpMethods.Patch, template, handle);
    public static ApiRoute Delete(string template, RequestDelegate handle) => new(HttpMethods.Delete, template, handle);

    /// <summary>The repository name of a request matched by a template with <c>{repository}</c>.</summary>
    public static string RepositoryOf(HttpContext context) => Value(context, Repository);

    /// <summary>A one-segment parameter's value ("" when the template has none of that name).</summary>
    public static string Value(HttpContext context, string name) => context.Request.RouteValues[name] as string ?? "";
}

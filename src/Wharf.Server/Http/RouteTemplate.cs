using Microsoft.AspNetCore.Http;

namespace Wharf.Server.Http;

/// <summary>
/// The template of the endpoint that answered a request (e.g. <c>/v2/{name}/manifests/{reference}</c>), set by the
/// /v2 and /api/v1 dispatchers, so request metrics and logs name a route without the names and digests in it.
/// </summary>
public static class RouteTemplate
{
    private static readonly object Key = new();

    public static void Set(HttpContext context, string template) => context.Items[Key] = template;

    /// <summary>The template, or null when no dispatcher matched the request.</summary>
    public static string? Get(HttpContext context) => context.Items.TryGetValue(Key, out var value) ? value as string : null;
}

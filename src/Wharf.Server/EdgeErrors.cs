using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Wharf.Core;
using Wharf.Server.Oci;

namespace Wharf.Server;

/// <summary>
/// Bad input at the edge, before and after routing. Kestrel resolves "." and ".." segments before routing sees the
/// path, so <c>POST /v2/a/../b/blobs/uploads/</c> would reach repository <c>b</c>; what the client wrote is only in
/// the raw request target, so that is what is checked (invariant 7: bad input gets the spec's code and changes
/// nothing). And a request no route takes (404) or whose method a route does not take (405) gets an OCI-style
/// JSON error body instead of an empty one, so every client sees a reason.
/// </summary>
public static class EdgeErrors
{
    public static IApplicationBuilder UseEdgeErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        string raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        if (IsRegistryPath(raw) && HasDotSegment(raw))
        {
            await OciHttp.WriteErrorAsync(context, OciErrorCode.NameInvalid,
                "invalid repository name: '.' and '..' path segments are not allowed", new { path = PathOf(raw) });
            return;
        }
        await next(context);
        await WriteUnroutedAsync(context);
    });

    private static async Task WriteUnroutedAsync(HttpContext context)
    {
        var response = context.Response;
        if (response.HasStarted || response.ContentType is not null || HttpMethods.IsHead(context.Request.Method)) return;
        // Only what routing itself answered: an endpoint's own 404 (an unknown manifest, say) already has its body.
        var endpoint = context.GetEndpoint();
        string what = $"{context.Request.Method} {context.Request.Path}";
        if (response.StatusCode == StatusCodes.Status404NotFound && endpoint is null)
            await WriteAsync(response, "NOT_FOUND", $"no such endpoint: {what}");
        else if (response.StatusCode == StatusCodes.Status405MethodNotAllowed)
            await WriteAsync(response, OciErrors.Wire(OciErrorCode.Unsupported), $"method not supported here: {what}");
    }

    private static async Task WriteAsync(HttpResponse response, string code, string message)
    {
        response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteStartArray("errors");
        json.WriteStartObject();
        json.WriteString("code", code);
        json.WriteString("message", message);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static bool IsRegistryPath(string raw) => raw.StartsWith("/v2/", StringComparison.Ordinal);

    private static string PathOf(string raw) => raw.Split('?', 2)[0];

    /// <summary>A "." or ".." segment, also percent-encoded (%2e), which Kestrel would decode and resolve too.</summary>
    private static bool HasDotSegment(string raw)
    {
        foreach (string segment in PathOf(raw).Split('/'))
        {
            string decoded = segment.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase);
            if (decoded is "." or "..") return true;
        }
        return false;
    }
}

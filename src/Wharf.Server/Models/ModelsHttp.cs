using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Wharf.Server.Api;

namespace Wharf.Server.Models;

/// <summary>Writing /api/v1 models answers: JSON bodies and cursor links (errors go through <see cref="ApiErrors"/>).</summary>
internal static class ModelsHttp
{
    public static async Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    /// <summary>Sets a Link header to the next page: the same request with cursor=<paramref name="next"/>.</summary>
    public static void LinkNext(HttpContext context, string next)
    {
        var query = context.Request.Query.Where(q => q.Key != "cursor")
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new KeyValuePair<string, string?>("cursor", next));
        context.Response.Headers.Link = $"<{QueryHelpers.AddQueryString(context.Request.Path, query)}>; rel=\"next\"";
    }

    /// <summary>Refuses query parameters the endpoint does not know (a typo silently ignored would return wrong results).</summary>
    public static string? Unknown(HttpContext context, params string[] known)
    {
        foreach (var key in context.Request.Query.Keys)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
                return $"unknown query parameter '{key}' (known: {string.Join(", ", known)})";
            if (context.Request.Query[key].Count > 1) return $"query parameter '{key}' is given more than once";
        }
        return null;
    }

    public static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;

    /// <summary>limit: 1..max, default <paramref name="fallback"/>; null with an error message when bad.</summary>
    public static (int Value, string? Error) Limit(HttpContext context, int fallback, int max)
    {
        var text = Query(context, "limit");
        if (text is null) return (fallback, null);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= max
            ? (n, null)
            : (0, $"limit must be a whole number from 1 to {max}, not '{text}'");
    }

    /// <summary>The cursor a previous page returned: an opaque positive number.</summary>
    public static (long? Value, string? Error) Cursor(HttpContext context)
    {
        var text = Query(context, "cursor");
        if (text is null) return (null, null);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0
            ? (n, null)
            : (null, $"cursor '{text}' is not one this API returned");
    }

    public static string CursorText(long cursor) => cursor.ToString(CultureInfo.InvariantCulture);
}

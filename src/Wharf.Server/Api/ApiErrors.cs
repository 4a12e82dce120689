using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Wharf.Server.Api;

/// <summary>The /api/v1 error body: <c>{"errors":[{"code","message"}]}</c>, the same shape as the /v2 one.</summary>
public static class ApiErrors
{
    public static async Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("errors");
            json.WriteStartObject();
            json.WriteString("code", code);
            json.WriteString("message", message);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    public static Task BadRequestAsync(HttpContext context, string message) => WriteAsync(context, 400, "BAD_REQUEST", message);

    public static Task NotFoundAsync(HttpContext context, string message) => WriteAsync(context, 404, "NOT_FOUND", message);
}

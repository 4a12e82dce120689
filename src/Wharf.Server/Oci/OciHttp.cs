using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Wharf.Core;

namespace Wharf.Server.Oci;

/// <summary>Wire helpers for the /v2 surface: the error body, headers every response carries, ranges.</summary>
public static class OciHttp
{
    public const string ApiVersionHeader = "Docker-Distribution-API-Version";
    public const string ContentDigestHeader = "Docker-Content-Digest";
    public const string UploadUuidHeader = "Docker-Upload-UUID";

    /// <summary>Writes <c>{"errors":[{"code","message","detail"}]}</c> with the code's status.</summary>
    public static async Task WriteErrorAsync(HttpContext context, OciError error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (HttpMethods.IsHead(context.Request.Method)) return;
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("errors");
            json.WriteStartObject();
            json.WriteString("code", error.Wire);
            json.WriteString("message", error.Message);
            if (error.Detail is not null)
            {
                json.WritePropertyName("detail");
                JsonSerializer.Serialize(json, error.Detail, error.Detail.GetType());
            }
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, OciErrorCode code, string message, object? detail = null) =>
        WriteErrorAsync(context, new OciError(code, message, detail));

    /// <summary>A path's reference read as a digest; DIGEST_INVALID naming it when it is not one.</summary>
    public static Result<Digest> DigestReference(string reference) =>
        Digest.TryParse(reference, out var digest) ? digest : OciErrors.DigestInvalid($"invalid digest '{reference}'");

    /// <summary>The Range header value for an upload of <paramref name="size"/> bytes ("0-0" when empty, as clients expect).</summary>
    public static string UploadRange(long size) => $"0-{Math.Max(size - 1, 0)}";

    /// <summary>
    /// Parses a chunk's Content-Range ("start-end", with or without a "bytes" prefix). Null when absent. A range
    /// whose length disagrees with the request's Content-Length (when known) is invalid: the client would believe
    /// bytes were received that were not.
    /// </summary>
    public static bool TryParseContentRange(string? header, long? contentLength, out (long Start, long End)? range)
    {
        range = null;
        if (string.IsNullOrWhiteSpace(header)) return true;
        var text = header.Trim();
        if (text.StartsWith("bytes", StringComparison.OrdinalIgnoreCase)) text = text[5..].TrimStart(' ', '=');
        int slash = text.IndexOf('/');
        if (slash >= 0) text = text[..slash];
        int dash = text.IndexOf('-');
        if (dash <= 0 || !long.TryParse(text[..dash], out long start) || !long.TryParse(text[(dash + 1)..], out long end)
            || start < 0 || end < start)
            return false;
        if (contentLength is long length && end - start + 1 != length) return false;
        range = (start, end);
        return true;
    }

    /// <summary>
    /// Resolves a request's Range against a blob of <paramref name="length"/> bytes. Returns null for "send
    /// everything" (no header, or one this server ignores as RFC 9110 allows, such as several ranges), false in
    /// <paramref name="satisfiable"/> for 416.
    /// </summary>
    public static (long Offset, long Count)? ResolveRange(string? header, long length, out bool satisfiable)
    {
        satisfiable = true;
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return null;
        var spec = header[6..].Trim();
        if (spec.Contains(',')) return null;
        int dash = spec.IndexOf('-');
        if (dash < 0) return null;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!long.TryParse(last, out long suffix) || suffix < 0) return null;
            if (suffix == 0 || length == 0) { satisfiable = false; return null; }
            long count = Math.Min(suffix, length);
            return (length - count, count);
        }
        if (!long.TryParse(first, out long start) || start < 0) return null;
        long end = length - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, out end) || end < start) return null;
            end = Math.Min(end, length - 1);
        }
        if (start >= length) { satisfiable = false; return null; }
        return (start, end - start + 1);
    }
}

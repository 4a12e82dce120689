using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Wharf.Server.Api;

/// <summary>The /api/v1 error codes; <see cref="ApiErrors"/> gives each its wire name and status.</summary>
public enum ApiErrorCode
{
    BadRequest,
    Invalid,
    ParameterInvalid,
    NameInvalid,
    PaginationNumberInvalid,
    NotFound,
    NameUnknown,
    ManifestUnknown,
    MethodNotAllowed,
    Conflict,
    Refused,
    NotIndexed,
    NotImplemented,
}

/// <summary>
/// The /api/v1 error table, written once like the OCI one (Core/OciError.cs), and its one writer. The body is
/// <c>{"errors":[{"code","message"}]}</c>, the same shape as the /v2 one, so a client reads both alike.
/// </summary>
public static class ApiErrors
{
    private static readonly Dictionary<ApiErrorCode, (string Wire, int Status)> Table = new()
    {
        [ApiErrorCode.BadRequest] = ("BAD_REQUEST", StatusCodes.Status400BadRequest),
        [ApiErrorCode.Invalid] = ("INVALID", StatusCodes.Status400BadRequest),
        [ApiErrorCode.ParameterInvalid] = ("PARAMETER_INVALID", StatusCodes.Status400BadRequest),
        [ApiErrorCode.NameInvalid] = ("NAME_INVALID", StatusCodes.Status400BadRequest),
        [ApiErrorCode.PaginationNumberInvalid] = ("PAGINATION_NUMBER_INVALID", StatusCodes.Status400BadRequest),
        [ApiErrorCode.NotFound] = ("NOT_FOUND", StatusCodes.Status404NotFound),
        [ApiErrorCode.NameUnknown] = ("NAME_UNKNOWN", StatusCodes.Status404NotFound),
        [ApiErrorCode.ManifestUnknown] = ("MANIFEST_UNKNOWN", StatusCodes.Status404NotFound),
        [ApiErrorCode.MethodNotAllowed] = ("UNSUPPORTED", StatusCodes.Status405MethodNotAllowed),
        [ApiErrorCode.Conflict] = ("CONFLICT", StatusCodes.Status409Conflict),
        // A policy refusing a change (an immutable tag, a failed promotion condition): the request was fine, the state says no.
        [ApiErrorCode.Refused] = ("DENIED", StatusCodes.Status409Conflict),
        // The version exists but the indexer has not described it yet: retry later.
        [ApiErrorCode.NotIndexed] = ("NOT_INDEXED", StatusCodes.Status409Conflict),
        // The metadata backend has no model catalog.
        [ApiErrorCode.NotImplemented] = ("UNSUPPORTED", StatusCodes.Status501NotImplemented),
    };

    public static int Status(ApiErrorCode code) => Table[code].Status;
    public static string Wire(ApiErrorCode code) => Table[code].Wire;

    public static async Task WriteAsync(HttpContext context, ApiErrorCode code, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (wire, status) = Table[code];
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("errors");
            json.WriteStartObject();
            json.WriteString("code", wire);
            json.WriteString("message", message);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }
}

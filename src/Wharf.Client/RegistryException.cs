using System.Net;
using System.Text.Json;

namespace Wharf.Client;

/// <summary>A registry said no: the HTTP status, the OCI error code when the body had one, and its message.</summary>
public sealed class RegistryException(HttpStatusCode status, string? code, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>The first OCI error code of the body (e.g. MANIFEST_UNKNOWN, DENIED), when there was one.</summary>
    public string? Code { get; } = code;

    private const int MaxErrorBody = 64 * 1024;

    /// <summary>The code given to a 401 whose challenge says <c>error="insufficient_scope"</c> to credentials it was sent.</summary>
    public const string InsufficientScope = "INSUFFICIENT_SCOPE";

    /// <summary>
    /// The registry knows the caller and refuses the access asked for (no role for it), as opposed to a policy's
    /// refusal (also 403 DENIED, with the policy's own message) or a missing login (401).
    /// </summary>
    public bool IsPermissionDenied => Code == InsufficientScope
        || (Status == HttpStatusCode.Forbidden && Message.Contains("requested access to the resource is denied", StringComparison.Ordinal));

    /// <summary>Builds the exception from an error response, reading at most 64 KiB of its body.</summary>
    public static async Task<RegistryException> FromResponseAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        string? code = null;
        string? detail = null;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxErrorBody];
            int read = 0, n;
            while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
            if (read > 0)
            {
                try
                {
                    using var json = JsonDocument.Parse(buffer.AsMemory(0, read));
                    if (json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                        && errors.GetArrayLength() > 0)
                    {
                        var first = errors[0];
                        code = first.TryGetProperty("code", out var c) ? c.GetString() : null;
                        detail = first.TryGetProperty("message", out var m) ? m.GetString() : null;
                    }
                }
                catch (JsonException)
                {
                    detail = System.Text.Encoding.UTF8.GetString(buffer, 0, Math.Min(read, 300)).Trim();
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The body could not be read; the status alone has to do.
        }
        // A 401 to a request that carried credentials, whose challenge says insufficient_scope, is not "log in":
        // the registry knows who asks and refuses what was asked (the Docker token spec's way of saying 403).
        if (response.StatusCode == HttpStatusCode.Unauthorized && response.RequestMessage?.Headers.Authorization is not null
            && response.Headers.WwwAuthenticate.Any(h => h.ToString().Contains("error=\"insufficient_scope\"", StringComparison.Ordinal)))
            code = InsufficientScope;
        string statusText = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        string message = $"{what}: {statusText}" + (code is null ? "" : $" {code}") + (string.IsNullOrEmpty(detail) ? "" : $": {detail}");
        return new RegistryException(response.StatusCode, code, message);
    }
}

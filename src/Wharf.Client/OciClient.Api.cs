using System.Net;
using System.Text.Json;

namespace Wharf.Client;

public sealed partial class OciClient
{
    /// <summary>
    /// GET a JSON document from the registry's own API (e.g. Wharf's /api/v1), with the same authentication as
    /// /v2; null when the registry has no such endpoint (404, 405 or 501), e.g. a plain OCI registry.
    /// </summary>
    public async Task<JsonDocument?> GetApiJsonAsync(string relativePath, string? repository, CancellationToken ct = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url(relativePath.TrimStart('/'))), repository, ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented) return null;
        if (!response.IsSuccessStatusCode)
            throw await RegistryException.FromResponseAsync(response, $"GET /{relativePath.TrimStart('/')}", ct);
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true) return null;
        byte[] body = await ReadBoundedAsync(response, MaxListingPage, relativePath, ct);
        return JsonDocument.Parse(body);
    }
}

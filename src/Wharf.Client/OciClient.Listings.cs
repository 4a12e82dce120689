using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Wharf.Core;

namespace Wharf.Client;

public sealed partial class OciClient
{
    private const int MaxListingPage = 16 * 1024 * 1024;

    /// <summary>Every tag of a repository, following the Link header page by page.</summary>
    public IAsyncEnumerable<string> ListTagsAsync(string repository, int pageSize = 1000, CancellationToken ct = default) =>
        PagesAsync(Url($"v2/{repository}/tags/list?n={pageSize}"), repository, "tags", ct);

    /// <summary>Every repository of the registry (GET /v2/_catalog), following the Link header.</summary>
    public IAsyncEnumerable<string> CatalogAsync(int pageSize = 1000, CancellationToken ct = default) =>
        PagesAsync(Url($"v2/_catalog?n={pageSize}"), null, "repositories", ct);

    private async IAsyncEnumerable<string> PagesAsync(Uri first, string? repository, string property, [EnumeratorCancellation] CancellationToken ct)
    {
        Uri? next = first;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (next is not null)
        {
            var page = next;
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, page), repository, ct);
            if (!response.IsSuccessStatusCode)
                throw await RegistryException.FromResponseAsync(response, $"GET {page.PathAndQuery}", ct);
            byte[] body = await ReadBoundedAsync(response, MaxListingPage, page.PathAndQuery, ct);
            using (var json = JsonDocument.Parse(body))
            {
                if (json.RootElement.TryGetProperty(property, out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in items.EnumerateArray())
                    {
                        if (item.GetString() is { } value) yield return value;
                    }
                }
            }
            next = NextLink(response, page);
            // A registry that links back to a page already read would loop forever.
            if (next is not null && !seen.Add(next.PathAndQuery)) next = null;
        }
    }

    /// <summary>The rel="next" target of a Link header (RFC 8288), resolved against the page it came with.</summary>
    internal static Uri? NextLink(HttpResponseMessage response, Uri page)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        foreach (string header in values)
        {
            foreach (string link in header.Split(','))
            {
                int open = link.IndexOf('<'), close = link.IndexOf('>');
                if (open < 0 || close < open) continue;
                string parameters = link[(close + 1)..];
                if (!parameters.Replace(" ", "", StringComparison.Ordinal).Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase)
                    && !parameters.Replace(" ", "", StringComparison.Ordinal).Contains("rel=next", StringComparison.OrdinalIgnoreCase))
                    continue;
                return new Uri(page, link[(open + 1)..close]);
            }
        }
        return null;
    }

    /// <summary>
    /// The manifests whose subject is <paramref name="subject"/> (GET /v2/NAME/referrers/DIGEST), optionally of one
    /// artifact type. A registry without the referrers API is asked for the fallback tag <c>sha256-HEX</c>.
    /// </summary>
    public async Task<IReadOnlyList<Descriptor>> ListReferrersAsync(string repository, Digest subject, string? artifactType = null, CancellationToken ct = default)
    {
        string query = artifactType is null ? "" : "?artifactType=" + Uri.EscapeDataString(artifactType);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url($"v2/{repository}/referrers/{subject}{query}")), repository, ct);
        byte[] body;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            var fallback = await GetManifestAsync(repository, $"{subject.Algorithm}-{subject.Hex}", ct);
            if (fallback is null) return [];
            body = fallback.Bytes;
        }
        else if (!response.IsSuccessStatusCode)
        {
            throw await RegistryException.FromResponseAsync(response, $"GET referrers of {repository}@{subject}", ct);
        }
        else
        {
            body = await ReadBoundedAsync(response, MaxListingPage, $"referrers of {subject}", ct);
        }
        var parsed = ManifestParser.Parse(body, MediaTypes.OciIndex);
        if (!parsed.Ok)
            throw new RegistryException(response.StatusCode, "MANIFEST_INVALID", $"the referrers of {subject} are not an image index: {parsed.Error.Message}");
        return parsed.Value.Manifests.Where(d => artifactType is null || d.ArtifactType == artifactType).ToList();
    }
}

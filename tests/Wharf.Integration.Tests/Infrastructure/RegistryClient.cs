using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// Thin helpers over HttpClient for the /v2 API. Each helper that pushes asserts the spec's success answer; tests that
/// check refusals build their requests themselves.
/// </summary>
public sealed class RegistryClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public Uri BaseAddress => Http.BaseAddress!;

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathOrUri, HttpContent? content = null,
        Action<HttpRequestMessage>? configure = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(method, Resolve(pathOrUri)) { Content = content };
        configure?.Invoke(request);
        return Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public Task<HttpResponseMessage> GetAsync(string pathOrUri, params string[] accept) =>
        SendAsync(HttpMethod.Get, pathOrUri, configure: r => AddAccept(r, accept));

    public Task<HttpResponseMessage> HeadAsync(string pathOrUri, params string[] accept) =>
        SendAsync(HttpMethod.Head, pathOrUri, configure: r => AddAccept(r, accept));

    public Task<HttpResponseMessage> DeleteAsync(string pathOrUri) => SendAsync(HttpMethod.Delete, pathOrUri);

    /// <summary>Resolves a Location header (absolute or relative) against the registry's address.</summary>
    public Uri Resolve(string pathOrUri) => new(BaseAddress, pathOrUri);

    public Uri Location(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        Assert.True(location is not null, $"{Describe(response)} has no Location header");
        return location.IsAbsoluteUri ? location : new Uri(BaseAddress, location);
    }

    /// <summary>Adds a query parameter to an upload location, which may already carry parameters of its own.</summary>
    public static string WithQuery(Uri location, string name, string value)
    {
        string separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
        return location.AbsoluteUri + separator + Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value);
    }

    public static ByteArrayContent Octets(byte[] data, int offset = 0, int? count = null)
    {
        var content = new ByteArrayContent(data, offset, count ?? data.Length - offset);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaType.OctetStream);
        return content;
    }

    public static ByteArrayContent Manifest(byte[] body, string? mediaType)
    {
        var content = new ByteArrayContent(body);
        if (mediaType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return content;
    }

    // ----- blobs -----

    /// <summary>POST a session, then PUT the whole blob with ?digest=. Returns the PUT's answer (201 asserted).</summary>
    public async Task PushBlobAsync(string repo, Blob blob) => await PushBlobAsync(repo, blob.Data, blob.Digest);

    public async Task PushBlobAsync(string repo, byte[] data, string digest)
    {
        var session = await StartUploadAsync(repo);
        using var put = await SendAsync(HttpMethod.Put, WithQuery(session, "digest", digest), Octets(data));
        await OciAssert.Status(put, HttpStatusCode.Created);
    }

    /// <summary>POST /v2/&lt;name&gt;/blobs/uploads/ and returns the session's location (202 asserted).</summary>
    public async Task<Uri> StartUploadAsync(string repo)
    {
        using var post = await SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/", new ByteArrayContent([]));
        await OciAssert.Status(post, HttpStatusCode.Accepted);
        return Location(post);
    }

    public async Task<HttpStatusCode> BlobStatusAsync(string repo, string digest)
    {
        using var head = await HeadAsync($"/v2/{repo}/blobs/{digest}");
        return head.StatusCode;
    }

    public async Task<byte[]> GetBlobAsync(string repo, string digest)
    {
        using var get = await GetAsync($"/v2/{repo}/blobs/{digest}");
        await OciAssert.Status(get, HttpStatusCode.OK);
        return await get.Content.ReadAsByteArrayAsync();
    }

    // ----- manifests -----

    public async Task<HttpResponseMessage> PutManifestAsync(string repo, string reference, Blob manifest) =>
        await SendAsync(HttpMethod.Put, $"/v2/{repo}/manifests/{reference}", Manifest(manifest.Data, manifest.MediaType));

    /// <summary>Pushes every blob and manifest of <paramref name="image"/>, children first; the top one under <paramref name="reference"/>.</summary>
    public async Task PushImageAsync(string repo, TestImage image, string? reference = null)
    {
        foreach (var blob in image.AllBlobs().DistinctBy(b => b.Digest)) await PushBlobAsync(repo, blob);
        await PushManifestOnlyAsync(repo, image, reference ?? image.Digest);
    }

    private async Task PushManifestOnlyAsync(string repo, TestImage image, string reference)
    {
        foreach (var child in image.Children) await PushManifestOnlyAsync(repo, child, child.Digest);
        using var put = await PutManifestAsync(repo, reference, image.Manifest);
        await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(image.Digest, OciAssert.Header(put, "Docker-Content-Digest"));
    }

    public async Task<HttpStatusCode> ManifestStatusAsync(string repo, string reference)
    {
        using var head = await HeadAsync($"/v2/{repo}/manifests/{reference}", MediaType.OciManifest, MediaType.OciIndex,
            MediaType.DockerManifest, MediaType.DockerManifestList);
        return head.StatusCode;
    }

    public async Task<byte[]> GetManifestAsync(string repo, string reference)
    {
        using var get = await GetAsync($"/v2/{repo}/manifests/{reference}", MediaType.OciManifest, MediaType.OciIndex,
            MediaType.DockerManifest, MediaType.DockerManifestList);
        await OciAssert.Status(get, HttpStatusCode.OK);
        return await get.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Pulls an image back by tag or digest and checks every byte of it, re-hashing manifests and blobs.</summary>
    public async Task VerifyImageAsync(string repo, TestImage image, string? reference = null)
    {
        byte[] top = await GetManifestAsync(repo, reference ?? image.Digest);
        Assert.Equal(image.Manifest.Data, top);
        foreach (var manifest in image.AllManifests())
        {
            byte[] body = await GetManifestAsync(repo, manifest.Digest);
            Assert.Equal(manifest.Digest, Digests.Sha256(body));
        }
        foreach (var blob in image.AllBlobs().DistinctBy(b => b.Digest))
        {
            byte[] data = await GetBlobAsync(repo, blob.Digest);
            Assert.Equal(blob.Digest, Digests.Sha256(data));
            Assert.Equal(blob.Size, data.LongLength);
        }
    }

    // ----- listings -----

    /// <summary>tags/list (whole list, one request); null when the repository is unknown (404).</summary>
    public async Task<List<string>?> TagsAsync(string repo)
    {
        using var get = await GetAsync($"/v2/{repo}/tags/list");
        if (get.StatusCode == HttpStatusCode.NotFound) return null;
        await OciAssert.Status(get, HttpStatusCode.OK);
        var body = await OciAssert.Json(get);
        return StringList(body["tags"]);
    }

    /// <summary>The whole catalog, following Link headers.</summary>
    public async Task<List<string>> CatalogAsync()
    {
        var all = new List<string>();
        string? next = "/v2/_catalog";
        for (int page = 0; next is not null; page++)
        {
            Assert.True(page < 10_000, "catalog pagination does not end");
            using var get = await GetAsync(next);
            await OciAssert.Status(get, HttpStatusCode.OK);
            all.AddRange(StringList((await OciAssert.Json(get))["repositories"]));
            next = LinkNext(get)?.ToString();
        }
        return all;
    }

    public async Task<JsonObject> ReferrersAsync(string repo, string digest, string? artifactType = null)
    {
        string path = $"/v2/{repo}/referrers/{digest}" + (artifactType is null ? "" : "?artifactType=" + Uri.EscapeDataString(artifactType));
        using var get = await GetAsync(path, MediaType.OciIndex);
        await OciAssert.Status(get, HttpStatusCode.OK);
        return (JsonObject)await OciAssert.Json(get);
    }

    /// <summary>The target of a <c>Link: &lt;url&gt;; rel="next"</c> header (RFC 5988), resolved; null when there is none.</summary>
    public Uri? LinkNext(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        foreach (string value in values)
        {
            foreach (string link in value.Split(','))
            {
                string trimmed = link.Trim();
                int open = trimmed.IndexOf('<'), close = trimmed.IndexOf('>');
                Assert.True(open == 0 && close > open, $"malformed Link header '{value}'");
                string parameters = trimmed[(close + 1)..].Replace(" ", "", StringComparison.Ordinal);
                if (parameters.Contains("rel=\"next\"", StringComparison.Ordinal) || parameters.Contains("rel=next", StringComparison.Ordinal))
                    return Resolve(trimmed[(open + 1)..close]);
            }
        }
        Assert.Fail($"Link header without rel=\"next\": {string.Join(", ", values)}");
        return null;
    }

    public static List<string> StringList(JsonNode? node)
    {
        if (node is not JsonArray array) throw new Xunit.Sdk.XunitException($"expected a JSON array, got {node?.ToJsonString() ?? "null"}");
        return array.Select(n => n!.GetValue<string>()).ToList();
    }

    public static string Describe(HttpResponseMessage response) =>
        $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} → {(int)response.StatusCode}";

    private static void AddAccept(HttpRequestMessage request, string[] accept)
    {
        foreach (string type in accept) request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(type));
    }
}

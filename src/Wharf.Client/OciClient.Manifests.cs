using System.Net;
using System.Net.Http.Headers;
using Wharf.Core;

namespace Wharf.Client;

/// <summary>A manifest as the registry served it: the exact bytes (the digest is over them), parsed.</summary>
public sealed record ManifestResponse(byte[] Bytes, string MediaType, Digest Digest, ParsedManifest Parsed);

public sealed partial class OciClient
{
    /// <summary>The manifest types this client asks for, best first.</summary>
    public static readonly IReadOnlyList<string> ManifestAccept =
    [
        MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList,
    ];

    private const int MaxManifestBytes = 8 * 1024 * 1024;

    private static HttpRequestMessage ManifestRequest(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        foreach (string type in ManifestAccept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        return request;
    }

    private Uri ManifestUrl(string repository, string reference) => Url($"v2/{repository}/manifests/{reference}");

    /// <summary>HEAD a manifest: its descriptor, or null when the registry does not have it.</summary>
    public async Task<Descriptor?> HeadManifestAsync(string repository, string reference, CancellationToken ct = default)
    {
        using var response = await SendAsync(() => ManifestRequest(HttpMethod.Head, ManifestUrl(repository, reference)), repository, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode)
            throw await RegistryException.FromResponseAsync(response, $"HEAD manifest {repository}:{reference}", ct);
        string mediaType = response.Content.Headers.ContentType?.MediaType ?? MediaTypes.OciManifest;
        long size = response.Content.Headers.ContentLength ?? -1;
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.First(), out var digest))
            return new Descriptor(mediaType, digest, size);
        // Without the header only a GET can tell the digest.
        var manifest = await GetManifestAsync(repository, reference, ct);
        return manifest is null ? null : new Descriptor(manifest.MediaType, manifest.Digest, manifest.Bytes.Length);
    }

    /// <summary>GET a manifest, verified against the requested digest (when the reference is one); null when absent.</summary>
    public async Task<ManifestResponse?> GetManifestAsync(string repository, string reference, CancellationToken ct = default)
    {
        using var response = await SendAsync(() => ManifestRequest(HttpMethod.Get, ManifestUrl(repository, reference)), repository, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode)
            throw await RegistryException.FromResponseAsync(response, $"GET manifest {repository}:{reference}", ct);
        byte[] bytes = await ReadBoundedAsync(response, MaxManifestBytes, $"manifest {repository}:{reference}", ct);
        string? contentType = response.Content.Headers.ContentType?.MediaType;

        bool byDigest = Digest.TryParse(reference, out var requested);
        string algorithm = byDigest ? requested.Algorithm : Digest.Sha256;
        var actual = Digest.Compute(bytes, algorithm);
        if (byDigest && actual != requested)
            throw new RegistryException(response.StatusCode, "DIGEST_INVALID", $"{Registry} served {repository}@{reference} with content that hashes to {actual}");
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var header) && Digest.TryParse(header.First(), out var claimed)
            && claimed.Algorithm == algorithm && claimed != actual)
            throw new RegistryException(response.StatusCode, "DIGEST_INVALID", $"{Registry} says {repository}:{reference} is {claimed} but its content hashes to {actual}");

        var parsed = ManifestParser.Parse(bytes, contentType);
        if (!parsed.Ok)
            throw new RegistryException(response.StatusCode, "MANIFEST_INVALID", $"{repository}:{reference} is not a manifest this client understands: {parsed.Error.Message}");
        return new ManifestResponse(bytes, parsed.Value.MediaType, actual, parsed.Value);
    }

    /// <summary>PUT a manifest under a tag or its digest; returns the digest the registry stored it under.</summary>
    public async Task<Digest> PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken ct = default)
    {
        using var response = await SendAsync(() =>
        {
            var content = new ByteArrayContent(manifest);
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, ManifestUrl(repository, reference)) { Content = content };
        }, repository, ct);
        if (response.StatusCode != HttpStatusCode.Created && !response.IsSuccessStatusCode)
            throw await RegistryException.FromResponseAsync(response, $"PUT manifest {repository}:{reference}", ct);
        var digest = Digest.Compute(manifest);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var header) && Digest.TryParse(header.First(), out var stored)
            && stored != digest && stored.Algorithm == digest.Algorithm)
            throw new RegistryException(response.StatusCode, "DIGEST_INVALID", $"{Registry} stored the manifest as {stored}, but it hashes to {digest}");
        return digest;
    }

    /// <summary>DELETE a manifest (by digest) or a tag; false when it was not there.</summary>
    public async Task<bool> DeleteManifestAsync(string repository, string reference, CancellationToken ct = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, ManifestUrl(repository, reference)), repository, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (!response.IsSuccessStatusCode)
            throw await RegistryException.FromResponseAsync(response, $"DELETE manifest {repository}:{reference}", ct);
        return true;
    }

    internal static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int max, string what, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > max)
            throw new RegistryException(response.StatusCode, "SIZE_INVALID", $"{what} is {response.Content.Headers.ContentLength} bytes, over the {max}-byte limit");
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > max) throw new RegistryException(response.StatusCode, "SIZE_INVALID", $"{what} is over the {max}-byte limit");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}

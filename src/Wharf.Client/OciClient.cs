using System.Net;
using Wharf.Client.Auth;
using Wharf.Client.Transfer;

namespace Wharf.Client;

/// <summary>
/// A typed client for one OCI distribution registry: manifests, blobs (streamed, verified, resumable), uploads
/// (monolithic or chunked, resumable), mounts, tags, catalog and referrers, with anonymous, Basic and Docker token
/// authentication. Memory does not grow with blob size. Thread-safe: one instance serves parallel transfers.
/// </summary>
public sealed partial class OciClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly RegistryAuthenticator _auth;

    public OciClient(string registry, OciClientOptions? options = null)
    {
        Options = options ?? new OciClientOptions();
        Registry = registry;
        bool plain = Options.PlainHttp || ImageReference.IsLoopback(registry);
        BaseAddress = new Uri($"{(plain ? "http" : "https")}://{registry}/");
        if (Options.Handler is { } handler)
        {
            _http = new HttpClient(handler, disposeHandler: false);
        }
        else
        {
            _http = new HttpClient(new SocketsHttpHandler
            {
                // Redirects are followed (a registry may send blob GETs to object storage); .NET drops the
                // Authorization header on a redirect, so a token never leaks to another host.
                AllowAutoRedirect = true,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(30),
            });
            _ownsHttp = true;
        }
        // Large transfers are bounded by progress, not by a fixed clock (a slow multi-GB upload must not be cut).
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("wharf/0.1");
        _auth = new RegistryAuthenticator(_http, Options.Credentials, registry, Options.Time);
        Throttle = Options.UploadBytesPerSecond > 0 ? new Throttle(Options.UploadBytesPerSecond, Options.Time) : null;
    }

    public string Registry { get; }
    public Uri BaseAddress { get; }
    public OciClientOptions Options { get; }
    internal Throttle? Throttle { get; }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    /// <summary>GET /v2/: true when the registry answers as an OCI registry (authenticating when asked).</summary>
    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url("v2/")), null, ct);
        if (response.IsSuccessStatusCode) return true;
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        throw await RegistryException.FromResponseAsync(response, $"GET {Registry}/v2/", ct);
    }

    internal Uri Url(string relative) => new(BaseAddress, relative);

    /// <summary>Resolves a Location header (often relative) against the request it answered.</summary>
    internal Uri Resolve(HttpResponseMessage response, Uri? fallback = null)
    {
        var location = response.Headers.Location
            ?? throw new RegistryException(response.StatusCode, null, $"{Registry} answered {(int)response.StatusCode} without a Location header");
        return location.IsAbsoluteUri ? location : new Uri(response.RequestMessage?.RequestUri ?? fallback ?? BaseAddress, location);
    }

    /// <summary>
    /// Sends a request built by <paramref name="build"/> (called again for each try, so bodies are fresh streams),
    /// answering one authentication challenge and backing off on 429 as Retry-After says.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, string? repository, CancellationToken ct)
    {
        bool challenged = false;
        for (int busy = 0; ; busy++)
        {
            var request = build();
            request.Headers.Authorization ??= _auth.HeaderFor(repository);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            finally
            {
                // Only the request body goes (a file stream, say): the answer has come, so it has been sent.
                request.Dispose();
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && !challenged)
            {
                challenged = true;
                bool retry = await _auth.HandleChallengeAsync(response, repository, ct);
                if (retry)
                {
                    response.Dispose();
                    busy--;
                    continue;
                }
            }
            if (response.StatusCode == HttpStatusCode.TooManyRequests && busy < 8)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250 * (busy + 1));
                response.Dispose();
                await Task.Delay(wait > TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : wait, Options.Time, ct);
                continue;
            }
            return response;
        }
    }
}

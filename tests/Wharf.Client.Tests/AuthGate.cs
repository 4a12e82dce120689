using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Wharf.Client.Tests;

/// <summary>
/// An authenticating front for the real registry, shaped by the Docker token authentication spec (until the
/// server's own token service lands): /v2 requests without a valid credential get 401 with a challenge; the token
/// realm (on its own host) issues tokens for Basic credentials. Requests that pass go to the real server.
/// </summary>
public sealed class AuthGate(string scheme, string user, string password) : DelegatingHandler(new SocketsHttpHandler())
{
    public const string Realm = "http://auth.invalid/token";
    private int _tokens;
    private readonly HashSet<string> _issued = [];

    public int TokensIssued => _tokens;
    public List<string> Scopes { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.Host == "auth.invalid") return Token(request);
        var auth = request.Headers.Authorization;
        bool ok = scheme == "Basic"
            ? auth is { Scheme: "Basic" } && auth.Parameter == Basic(user, password)
            : auth is { Scheme: "Bearer" } && IsIssued(auth.Parameter);
        if (ok) return await base.SendAsync(request, cancellationToken);

        var denied = new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StringContent("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}", Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
        string path = request.RequestUri.AbsolutePath;
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int marker = Array.FindIndex(parts, p => p is "blobs" or "manifests" or "tags" or "referrers");
        string scope = marker > 1 ? $"repository:{string.Join('/', parts[1..marker])}:pull,push" : "registry:catalog:*";
        denied.Headers.WwwAuthenticate.Add(scheme == "Basic"
            ? new AuthenticationHeaderValue("Basic", "realm=\"wharf\"")
            : new AuthenticationHeaderValue("Bearer", $"realm=\"{Realm}\",service=\"wharf-test\",scope=\"{scope}\""));
        return denied;
    }

    private HttpResponseMessage Token(HttpRequestMessage request)
    {
        var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
        if (request.Headers.Authorization is not { Scheme: "Basic" } basic || basic.Parameter != Basic(user, password) || query["service"] != "wharf-test")
            return new HttpResponseMessage(HttpStatusCode.Unauthorized) { RequestMessage = request };
        lock (Scopes) Scopes.Add(query["scope"] ?? "");
        string token = $"t-{Interlocked.Increment(ref _tokens)}";
        lock (_issued) _issued.Add(token);
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($"{{\"token\":\"{token}\",\"expires_in\":300}}", Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
    }

    private bool IsIssued(string? token)
    {
        lock (_issued) return token is not null && _issued.Contains(token);
    }

    private static string Basic(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
}

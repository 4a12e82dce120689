using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Wharf.Client.Auth;

/// <summary>
/// Answers a registry's 401 challenges, per the Docker token authentication spec: for <c>Bearer</c>, fetch a token
/// from the realm (GET with service and scope, Basic credentials when there are any, anonymous otherwise) and
/// retry; for <c>Basic</c>, send the credentials. Tokens are cached per scope until they expire, and the last
/// token that worked for a repository is sent up front on its next requests, so a streaming upload body is
/// never sent only to be refused.
/// </summary>
public sealed class RegistryAuthenticator(HttpClient tokenClient, ICredentialProvider credentials, string registry, TimeProvider time)
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, CachedToken> _byScope = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _scopeByRepository = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private volatile bool _basic;

    private sealed record CachedToken(string Token, DateTimeOffset Expires);

    /// <summary>The Authorization header to send up front for a request about <paramref name="repository"/>.</summary>
    public AuthenticationHeaderValue? HeaderFor(string? repository)
    {
        string key = repository ?? "";
        if (_scopeByRepository.TryGetValue(key, out var scope) && _byScope.TryGetValue(scope, out var token)
            && token.Expires > time.GetUtcNow())
            return new AuthenticationHeaderValue("Bearer", token.Token);
        if (_basic && credentials.Find(registry) is { } credential) return Basic(credential);
        return null;
    }

    /// <summary>
    /// Handles a 401: true when new credentials were obtained and the request is worth sending again.
    /// </summary>
    public async Task<bool> HandleChallengeAsync(HttpResponseMessage unauthorized, string? repository, CancellationToken ct)
    {
        var challenges = unauthorized.Headers.WwwAuthenticate
            .Select(h => AuthChallenge.Parse(h.ToString()))
            .OfType<AuthChallenge>()
            .ToList();
        if (challenges.FirstOrDefault(c => c.IsBearer) is { } bearer)
            return await FetchTokenAsync(bearer, repository ?? "", unauthorized.RequestMessage?.Headers.Authorization?.Parameter, ct);
        if (challenges.Any(c => c.IsBasic) && !_basic && credentials.Find(registry) is not null)
        {
            _basic = true;
            return true;
        }
        return false;
    }

    private async Task<bool> FetchTokenAsync(AuthChallenge challenge, string repository, string? refusedToken, CancellationToken ct)
    {
        string? realm = challenge["realm"];
        if (string.IsNullOrEmpty(realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
            throw new RegistryException(HttpStatusCode.Unauthorized, "UNAUTHORIZED", $"{registry} asked for a bearer token without a usable realm");
        string scope = challenge["scope"] ?? "";
        string key = $"{realm}|{challenge["service"]}|{scope}";

        await _fetch.WaitAsync(ct);
        try
        {
            // Another request may have fetched it while this one waited; only the very token that was refused
            // is not worth sending again.
            if (_byScope.TryGetValue(key, out var cached) && cached.Expires > time.GetUtcNow() && cached.Token != refusedToken)
            {
                _scopeByRepository[repository] = key;
                return true;
            }
            var query = new StringBuilder();
            if (challenge["service"] is { } service) query.Append("service=").Append(Uri.EscapeDataString(service));
            foreach (string one in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                query.Append(query.Length > 0 ? "&" : "").Append("scope=").Append(Uri.EscapeDataString(one));
            var builder = new UriBuilder(realmUri);
            builder.Query = string.IsNullOrEmpty(builder.Query) ? query.ToString() : builder.Query.TrimStart('?') + "&" + query;

            using var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
            if (credentials.Find(registry) is { } credential) request.Headers.Authorization = Basic(credential);
            using var response = await tokenClient.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                string why = response.StatusCode == HttpStatusCode.Unauthorized
                    ? "the credentials were refused" : $"the token service answered {(int)response.StatusCode}";
                throw new RegistryException(HttpStatusCode.Unauthorized, "UNAUTHORIZED", $"could not get a token for {registry} ({scope}): {why}");
            }
            var token = await ReadTokenAsync(response, ct);
            _byScope[key] = token;
            _scopeByRepository[repository] = key;
            return true;
        }
        finally
        {
            _fetch.Release();
        }
    }

    private async Task<CachedToken> ReadTokenAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: ct);
        var root = json.RootElement;
        string? token = null;
        if (root.TryGetProperty("token", out var t)) token = t.GetString();
        if (string.IsNullOrEmpty(token) && root.TryGetProperty("access_token", out var a)) token = a.GetString();
        if (string.IsNullOrEmpty(token))
            throw new RegistryException(HttpStatusCode.Unauthorized, "UNAUTHORIZED", $"the token service of {registry} answered without a token");
        var lifetime = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out int seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds) : DefaultLifetime;
        // Renew a little early so a token never expires between the check and the request.
        var usable = lifetime > Slack * 2 ? lifetime - Slack : lifetime / 2;
        return new CachedToken(token, time.GetUtcNow() + usable);
    }

    private static AuthenticationHeaderValue Basic(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
}

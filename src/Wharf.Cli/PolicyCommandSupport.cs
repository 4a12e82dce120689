using System.Net.Http.Headers;
using System.Text.Json;
using Wharf.Core;

namespace Wharf.Cli;

/// <summary>A registry and a repository or namespace in it, as the policy commands take them ("host:port/team/model").</summary>
internal sealed record PolicyTarget(Uri Registry, string Name, string? Reference);

/// <summary>
/// What the promote, policy and retention commands share: reading "registry/name[:tag|@digest]", plain HTTP to
/// loopback registries (as docker does) and HTTPS elsewhere unless --plain-http, and printing the API's errors.
/// </summary>
internal static class PolicyCommandSupport
{
    /// <summary>Reads <paramref name="text"/> as REGISTRY/NAME[:TAG|@DIGEST]; the registry part is required.</summary>
    public static PolicyTarget? Parse(string text, bool plainHttp, bool allowReference, out string? problem)
    {
        problem = null;
        int slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1)
        {
            problem = $"'{text}' needs the registry first, as in localhost:5000/team/model";
            return null;
        }
        string host = text[..slash], rest = text[(slash + 1)..];
        string? reference = null;
        int at = rest.IndexOf('@');
        int colon = rest.LastIndexOf(':');
        if (at >= 0) (rest, reference) = (rest[..at], rest[(at + 1)..]);
        else if (colon > rest.LastIndexOf('/')) (rest, reference) = (rest[..colon], rest[(colon + 1)..]);
        if (reference is not null && !allowReference)
        {
            problem = $"'{text}' names a tag or digest; give only the repository or namespace";
            return null;
        }
        if (reference is not null && !ManifestReference.TryParse(reference, out _))
        {
            problem = $"'{reference}' is neither a tag nor a digest";
            return null;
        }
        if (!Reference.IsValidName(rest))
        {
            problem = $"'{rest}' is not a valid repository name";
            return null;
        }
        bool loopback = host.StartsWith("localhost", StringComparison.OrdinalIgnoreCase) || host.StartsWith("127.", StringComparison.Ordinal)
            || host.StartsWith("[::1]", StringComparison.Ordinal);
        if (!Uri.TryCreate($"{(plainHttp || loopback ? "http" : "https")}://{host}/", UriKind.Absolute, out var registry))
        {
            problem = $"'{host}' is not a registry address";
            return null;
        }
        return new PolicyTarget(registry, rest, reference);
    }

    public static HttpClient Client(Uri registry) => new() { BaseAddress = registry, Timeout = TimeSpan.FromMinutes(5) };

    public static StringContent Json(string json) => new(json, new MediaTypeHeaderValue("application/json"));

    /// <summary>Prints the API's error message (or the status) to stderr; returns the exit code 1.</summary>
    public static async Task<int> FailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string body = await response.Content.ReadAsStringAsync(ct);
        string message = body;
        try
        {
            using var json = JsonDocument.Parse(body);
            var error = json.RootElement.GetProperty("errors")[0];
            message = $"{error.GetProperty("code").GetString()}: {error.GetProperty("message").GetString()}";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            // Not an API error body: show it as it came.
        }
        await Console.Error.WriteLineAsync($"error: {(int)response.StatusCode} {message}".TrimEnd());
        return 1;
    }

    public static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync("error: " + message);
        return 1;
    }

    /// <summary>Runs the request; a registry that cannot be reached is an error message, not a stack trace.</summary>
    public static async Task<int> SendAsync(Uri registry, HttpRequestMessage request, Func<HttpResponseMessage, Task<int>> onSuccess, CancellationToken ct)
    {
        using var client = Client(registry);
        try
        {
            using var response = await client.SendAsync(request, ct);
            return response.IsSuccessStatusCode ? await onSuccess(response) : await FailAsync(response, ct);
        }
        catch (HttpRequestException e)
        {
            return await FailAsync($"cannot reach {registry}: {e.Message}");
        }
    }

    public static System.CommandLine.Option<bool> PlainHttpOption() =>
        new("--plain-http") { Description = "speak plain HTTP to a registry that is not on localhost" };
}

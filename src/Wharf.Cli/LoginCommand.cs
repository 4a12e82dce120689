using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Wharf.Cli.Credentials;
using Wharf.Client.Auth;

namespace Wharf.Cli;

/// <summary>
/// <c>wharf login REGISTRY</c> checks the credentials against the registry (its token endpoint, as docker
/// login does) and keeps them in the <see cref="CredentialStore"/>; <c>wharf logout REGISTRY</c> forgets them.
/// </summary>
internal static class LoginCommand
{
    public static Command Login()
    {
        var registry = new Argument<string>("registry") { Description = "HOST[:PORT], or a URL (http:// for a plain-HTTP registry)" };
        var username = new Option<string?>("--username", "-u") { Description = "user or robot name (prompted when missing)" };
        var command = new Command("login", "Log in to a registry; the password or robot secret is read from standard input or a prompt") { registry, username };
        command.SetAction(async (result, ct) =>
        {
            var target = result.GetValue(registry)!;
            var user = result.GetValue(username);
            if (string.IsNullOrEmpty(user))
            {
                if (Console.IsInputRedirected)
                {
                    Console.Error.WriteLine("error: --username is required when the password comes from standard input");
                    return 2;
                }
                Console.Error.Write("Username: ");
                user = Console.ReadLine()?.Trim();
            }
            var secret = PasswordPrompt.Read("Password: ", confirm: false);
            if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(secret))
            {
                Console.Error.WriteLine("error: a user name and a password are needed");
                return 2;
            }
            var (ok, message) = await VerifyAsync(BaseUri(target), user, secret, ct);
            if (!ok)
            {
                Console.Error.WriteLine("error: " + message);
                return 1;
            }
            var store = CredentialStore.Default();
            store.Set(target, new RegistryCredential(user, secret));
            Console.WriteLine($"Login succeeded ({message}); credentials kept in {store.Path}");
            return 0;
        });
        return command;
    }

    public static Command Logout()
    {
        var registry = new Argument<string>("registry");
        var command = new Command("logout", "Forget the credentials kept for a registry") { registry };
        command.SetAction(result =>
        {
            var store = CredentialStore.Default();
            if (store.Remove(result.GetValue(registry)!))
            {
                Console.WriteLine($"Removed the login for {CredentialStore.Key(result.GetValue(registry)!)}");
                return 0;
            }
            Console.Error.WriteLine($"error: not logged in to {CredentialStore.Key(result.GetValue(registry)!)}");
            return 1;
        });
        return command;
    }

    /// <summary>https unless a scheme is given, or the host is this machine (where registries run over plain HTTP).</summary>
    public static Uri BaseUri(string registry)
    {
        if (registry.Contains("://", StringComparison.Ordinal)) return new Uri(registry.TrimEnd('/') + "/");
        var host = CredentialStore.Key(registry);
        bool local = host.StartsWith("localhost", StringComparison.Ordinal) || host.StartsWith("127.", StringComparison.Ordinal) || host.StartsWith("[::1]", StringComparison.Ordinal);
        return new Uri($"{(local ? "http" : "https")}://{host}/");
    }

    private static async Task<(bool Ok, string Message)> VerifyAsync(Uri registry, string user, string secret, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        HttpResponseMessage probe;
        try
        {
            probe = await http.GetAsync(new Uri(registry, "v2/"), ct);
        }
        catch (HttpRequestException e)
        {
            return (false, $"cannot reach {registry}: {e.Message}");
        }
        using (probe)
        {
            if (probe.StatusCode == HttpStatusCode.OK) return (true, "the registry is open");
            var challenge = probe.Headers.WwwAuthenticate.FirstOrDefault();
            if (probe.StatusCode != HttpStatusCode.Unauthorized || challenge is null)
                return (false, $"{registry}v2/ answered {(int)probe.StatusCode}; is it a registry?");
            Uri check;
            if (challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            {
                var parameters = Parameters(challenge.Parameter ?? "");
                if (!parameters.TryGetValue("realm", out var realm)) return (false, "the registry's challenge has no realm");
                var query = $"account={Uri.EscapeDataString(user)}" + (parameters.TryGetValue("service", out var service) ? $"&service={Uri.EscapeDataString(service)}" : "");
                check = new Uri(realm + (realm.Contains('?') ? "&" : "?") + query);
            }
            else
            {
                check = new Uri(registry, "v2/");
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, check);
            request.Headers.Authorization = basic;
            using var answer = await http.SendAsync(request, ct);
            if (answer.IsSuccessStatusCode) return (true, "credentials accepted");
            if (answer.StatusCode == HttpStatusCode.TooManyRequests)
                return (false, $"too many failed logins; retry in {answer.Headers.RetryAfter?.Delta?.TotalSeconds ?? 1} s");
            return (false, answer.StatusCode == HttpStatusCode.Unauthorized ? "invalid username or password" : $"the registry answered {(int)answer.StatusCode}");
        }
    }

    /// <summary>Parses <c>realm="…",service="…"</c>.</summary>
    private static Dictionary<string, string> Parameters(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = 0;
        while (i < text.Length)
        {
            int eq = text.IndexOf('=', i);
            if (eq < 0) break;
            var key = text[i..eq].Trim(' ', ',');
            string value;
            if (eq + 1 < text.Length && text[eq + 1] == '"')
            {
                int end = text.IndexOf('"', eq + 2);
                if (end < 0) end = text.Length;
                value = text[(eq + 2)..end];
                i = end + 1;
            }
            else
            {
                int end = text.IndexOf(',', eq + 1);
                if (end < 0) end = text.Length;
                value = text[(eq + 1)..end];
                i = end;
            }
            values[key] = value;
        }
        return values;
    }
}

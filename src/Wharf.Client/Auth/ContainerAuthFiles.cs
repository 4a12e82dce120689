using System.Text;
using System.Text.Json;

namespace Wharf.Client.Auth;

/// <summary>
/// Reads (never writes) the auth files other container tools keep: <c>$REGISTRY_AUTH_FILE</c>,
/// <c>$XDG_RUNTIME_DIR/containers/auth.json</c>, <c>~/.config/containers/auth.json</c> and
/// <c>$DOCKER_CONFIG/config.json</c> (default <c>~/.docker/config.json</c>): the <c>auths</c> map, each entry's
/// <c>auth</c> being base64 of <c>user:password</c>. Credential helpers (credsStore) are not run.
/// </summary>
public sealed class ContainerAuthFiles(IReadOnlyList<string> files) : ICredentialProvider
{
    public static ContainerAuthFiles Default()
    {
        var files = new List<string>();
        void Add(string? path)
        {
            if (!string.IsNullOrEmpty(path)) files.Add(path);
        }
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Add(Environment.GetEnvironmentVariable("REGISTRY_AUTH_FILE"));
        string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtime)) Add(Path.Combine(runtime, "containers", "auth.json"));
        string? configHome = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        Add(Path.Combine(string.IsNullOrEmpty(configHome) ? Path.Combine(home, ".config") : configHome, "containers", "auth.json"));
        string? docker = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        Add(Path.Combine(string.IsNullOrEmpty(docker) ? Path.Combine(home, ".docker") : docker, "config.json"));
        return new ContainerAuthFiles(files);
    }

    public RegistryCredential? Find(string registry)
    {
        foreach (string file in files)
        {
            if (TryRead(file, registry) is { } credential) return credential;
        }
        return null;
    }

    private static RegistryCredential? TryRead(string file, string registry)
    {
        if (!File.Exists(file)) return null;
        try
        {
            using var stream = File.OpenRead(file);
            using var json = JsonDocument.Parse(stream);
            if (!json.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object) return null;
            foreach (var entry in auths.EnumerateObject())
            {
                if (!string.Equals(NormalizeKey(entry.Name), registry, StringComparison.OrdinalIgnoreCase)) continue;
                if (Decode(entry.Value) is { } credential) return credential;
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            // A broken or unreadable file of another tool is not ours to fail on: carry on anonymously.
        }
        return null;
    }

    /// <summary>"https://host:5000/v1/" and "host:5000/some/repo" both name the registry "host:5000".</summary>
    internal static string NormalizeKey(string key)
    {
        foreach (var scheme in new[] { "https://", "http://" })
        {
            if (key.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) key = key[scheme.Length..];
        }
        int slash = key.IndexOf('/');
        return slash < 0 ? key : key[..slash];
    }

    private static RegistryCredential? Decode(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object) return null;
        if (entry.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
        {
            string text;
            try
            {
                text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException)
            {
                return null;
            }
            int colon = text.IndexOf(':');
            return colon <= 0 ? null : new RegistryCredential(text[..colon], text[(colon + 1)..]);
        }
        if (entry.TryGetProperty("username", out var user) && entry.TryGetProperty("password", out var password)
            && user.GetString() is { Length: > 0 } u && password.GetString() is { } p)
            return new RegistryCredential(u, p);
        return null;
    }
}

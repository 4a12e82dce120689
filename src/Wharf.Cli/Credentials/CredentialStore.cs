using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Client.Auth;

namespace Wharf.Cli.Credentials;

/// <summary>
/// The credentials `wharf login` keeps, read by every command that talks to a registry. One JSON file, readable
/// by its owner only (0600):
/// <code>{ "registry.example.com:5000": { "username": "alice", "secret": "…" } }</code>
/// keyed by the registry's host[:port] as written in image references (lower case). Location:
/// $WHARF_CREDENTIALS, else $XDG_CONFIG_HOME/wharf/credentials.json, else ~/.config/wharf/credentials.json.
/// </summary>
public sealed class CredentialStore(string path) : ICredentialProvider
{
    public string Path { get; } = path;

    public static CredentialStore Default() => new(DefaultPath());

    public static string DefaultPath()
    {
        if (Environment.GetEnvironmentVariable("WHARF_CREDENTIALS") is { Length: > 0 } explicitPath) return explicitPath;
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return System.IO.Path.Combine(config, "wharf", "credentials.json");
    }

    /// <summary>The key for a registry: host[:port], lower case, without scheme or path.</summary>
    public static string Key(string registry)
    {
        var text = registry.Trim();
        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) text = text[(scheme + 3)..];
        int slash = text.IndexOf('/');
        if (slash >= 0) text = text[..slash];
        return text.ToLowerInvariant();
    }

    /// <summary>The client commands (push, pull, …) ask the store like any other credential source.</summary>
    public RegistryCredential? Find(string registry) => Get(registry);

    public RegistryCredential? Get(string registry)
    {
        var all = Read();
        return all[Key(registry)] is JsonObject entry
            && entry["username"]?.GetValue<string>() is { } user && entry["secret"]?.GetValue<string>() is { } secret
            ? new RegistryCredential(user, secret) : null;
    }

    public void Set(string registry, RegistryCredential credential)
    {
        var all = Read();
        all[Key(registry)] = new JsonObject { ["username"] = credential.Username, ["secret"] = credential.Password };
        Write(all);
    }

    /// <summary>Forgets the registry's login; false when there was none.</summary>
    public bool Remove(string registry)
    {
        var all = Read();
        if (!all.Remove(Key(registry))) return false;
        Write(all);
        return true;
    }

    private JsonObject Read()
    {
        if (!File.Exists(Path)) return [];
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path)) as JsonObject ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{Path} is not valid JSON ({e.Message}); fix or remove it", e);
        }
    }

    private void Write(JsonObject all)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        // Written whole to a new file that only the owner can read, then renamed over the old one.
        var temp = Path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temp, options))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(all, new JsonSerializerOptions { WriteIndented = true }));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, Path, overwrite: true);
    }
}

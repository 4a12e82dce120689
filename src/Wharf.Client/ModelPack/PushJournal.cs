using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Wharf.Core;

namespace Wharf.Client.ModelPack;

/// <summary>
/// The open upload sessions of pushes to one repository, kept in a small JSON file
/// (<c>$XDG_CACHE_HOME/wharf/uploads/HASH.json</c>, default <c>~/.cache</c>) so that a push killed mid-upload
/// resumes from where the registry stands. Written atomically (temp file + rename) after every change.
/// </summary>
public sealed class PushJournal : IUploadJournal
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _uploads;

    private PushJournal(string path, Dictionary<string, string> uploads)
    {
        Path = path;
        _uploads = uploads;
    }

    public string Path { get; }

    public static string DefaultDirectory()
    {
        string? cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache)) cache = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return System.IO.Path.Combine(cache, "wharf", "uploads");
    }

    /// <summary>The journal for <paramref name="registry"/>/<paramref name="repository"/> under <paramref name="directory"/>.</summary>
    public static PushJournal Open(string directory, string registry, string repository)
    {
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{registry}/{repository}")))[..24];
        string path = System.IO.Path.Combine(directory, key + ".json");
        var uploads = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            if (File.Exists(path))
            {
                using var json = JsonDocument.Parse(File.ReadAllBytes(path));
                if (json.RootElement.TryGetProperty("uploads", out var map) && map.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in map.EnumerateObject())
                    {
                        if (entry.Value.GetString() is { } url && Uri.IsWellFormedUriString(url, UriKind.Absolute)) uploads[entry.Name] = url;
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            // A damaged journal only costs a fresh upload.
        }
        return new PushJournal(path, uploads);
    }

    public int Count
    {
        get
        {
            lock (_gate) return _uploads.Count;
        }
    }

    public Uri? Find(Digest digest)
    {
        lock (_gate) return _uploads.TryGetValue(digest.ToString(), out var url) ? new Uri(url) : null;
    }

    public void Save(Digest digest, Uri upload)
    {
        lock (_gate)
        {
            _uploads[digest.ToString()] = upload.ToString();
            Write();
        }
    }

    public void Remove(Digest digest)
    {
        lock (_gate)
        {
            if (_uploads.Remove(digest.ToString())) Write();
        }
    }

    private void Write()
    {
        if (_uploads.Count == 0)
        {
            if (File.Exists(Path)) File.Delete(Path);
            return;
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        string temp = Path + ".tmp";
        File.WriteAllBytes(temp, ModelPackBuilder.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("uploads");
            foreach (var (digest, url) in _uploads.OrderBy(u => u.Key, StringComparer.Ordinal)) w.WriteString(digest, url);
            w.WriteEndObject();
            w.WriteEndObject();
        }));
        File.Move(temp, Path, overwrite: true);
    }
}

namespace Wharf.Testing;

/// <summary>A fresh directory under the system temp directory, removed with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "wharf-test") => Path = Create(prefix);

    public string Path { get; }

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> inside the directory; returns its path.</summary>
    public string File(string name, string text) => File(name, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> (creating its folders); returns its path.</summary>
    public string File(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A folder inside the directory, created; returns its path.</summary>
    public string Sub(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose() => Delete(Path);

    /// <summary>
    /// Creates <c>PREFIX-xxxxxxxxxxxx</c> under the temp directory. The name stays short because some tests put
    /// Unix sockets inside, whose paths are limited to about 100 bytes.
    /// </summary>
    public static string Create(string prefix)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Removes <paramref name="path"/> and everything in it. A process that is still closing may hold a file for a
    /// moment, so it tries a few times; after that the directory is the OS's to clean, and the test's result stands.
    /// </summary>
    public static void Delete(string path)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(200);
            }
        }
    }
}

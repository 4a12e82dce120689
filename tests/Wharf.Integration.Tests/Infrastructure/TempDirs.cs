namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>Temporary folders for servers, layouts and client state; removed when the test is done.</summary>
public static class TempDirs
{
    public static string Create(string prefix)
    {
        string path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        return path;
    }

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

/// <summary>A temporary folder owned by one test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "wharf-e2e") => Path = TempDirs.Create(prefix);

    public string Path { get; }

    public string Sub(string name)
    {
        string sub = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(sub);
        return sub;
    }

    public void Dispose() => TempDirs.Delete(Path);
}

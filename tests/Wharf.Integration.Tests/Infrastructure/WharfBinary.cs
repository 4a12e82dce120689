namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// Finds the built <c>wharf.dll</c> (src/Wharf.Cli, AssemblyName wharf). The test project references the CLI
/// project, so building the tests builds it; its own output folder has the right deps and runtimeconfig files.
/// </summary>
public static class WharfBinary
{
    private static readonly Lazy<string> Located = new(Locate);

    /// <summary>Absolute path of wharf.dll; <c>WHARF_DLL</c> overrides the search.</summary>
    public static string DllPath => Located.Value;

    /// <summary>The dotnet host that runs the tests, so the server runs on the same runtime.</summary>
    public static string DotNetHost
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
            string? self = Environment.ProcessPath;
            if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
            return "dotnet";
        }
    }

    /// <summary>The repository root: the nearest folder up from the test assembly that holds Wharf.slnx.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Wharf.slnx"))) return dir.FullName;
            }
            throw new InvalidOperationException($"no Wharf.slnx above {AppContext.BaseDirectory}");
        }
    }

    private static string Locate()
    {
        string? overridden = Environment.GetEnvironmentVariable("WHARF_DLL");
        if (!string.IsNullOrEmpty(overridden))
        {
            if (!File.Exists(overridden)) throw new FileNotFoundException($"WHARF_DLL points at a missing file: {overridden}");
            return Path.GetFullPath(overridden);
        }

        // The test assembly lives in tests/Wharf.Integration.Tests/bin/<Configuration>/<tfm>/; the CLI's output
        // is the same configuration and framework under src/Wharf.Cli/bin/.
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = baseDir.Name;
        string configuration = baseDir.Parent?.Name ?? "Release";
        var candidates = new List<string>();
        try
        {
            candidates.Add(Path.Combine(RepositoryRoot, "src", "Wharf.Cli", "bin", configuration, tfm, "wharf.dll"));
        }
        catch (InvalidOperationException)
        {
            // Not inside a checkout (tests copied elsewhere): only the copy next to the tests can be used.
        }
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "wharf.dll"));

        foreach (string candidate in candidates)
        {
            if (File.Exists(candidate) && File.Exists(Path.ChangeExtension(candidate, ".runtimeconfig.json"))) return candidate;
        }
        throw new FileNotFoundException(
            "wharf.dll not found; build src/Wharf.Cli (the test project references it). Looked at: " + string.Join(", ", candidates));
    }
}

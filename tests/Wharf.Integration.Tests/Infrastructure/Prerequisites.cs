using Xunit.Sdk;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// External tools a test needs (skopeo, podman, containerd, ...). Locally a test whose tool is missing is skipped with
/// a message; in CI (<c>CI=true</c>) it runs and fails, so a broken install cannot pass as green.
/// </summary>
public static class Prerequisites
{
    /// <summary>The pseudo-tool for tests that must run as root (podman with vfs storage, containerd).</summary>
    public const string Root = "root";

    /// <summary>The pseudo-tool for tests that need the test PostgreSQL server (WHARF_TEST_POSTGRES).</summary>
    public const string Postgres = "postgres";

    /// <summary>The pseudo-tool for tests that need the test S3 endpoint (WHARF_TEST_S3_ENDPOINT, scripts/swift.sh).</summary>
    public const string S3 = "s3";

    public static bool IsCi
    {
        get
        {
            string? ci = Environment.GetEnvironmentVariable("CI");
            return !string.IsNullOrEmpty(ci) && !ci.Equals("false", StringComparison.OrdinalIgnoreCase) && ci != "0";
        }
    }

    public static List<string> Missing(IEnumerable<string> tools)
    {
        // WHARF_E2E_PRETEND_MISSING=skopeo,podman makes tools count as missing, to check the skip/fail rule itself.
        var pretend = (Environment.GetEnvironmentVariable("WHARF_E2E_PRETEND_MISSING") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return tools.Where(tool => pretend.Contains(tool) || tool switch
        {
            Root => !IsRoot,
            Postgres => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestMetadata.PostgresVariable)),
            S3 => !TestStorage.S3Available,
            _ => FindOnPath(tool) is null,
        }).ToList();
    }

    /// <summary>Fails the test (with what to install) when a tool is missing; call it first in every such test.</summary>
    public static void Require(params string[] tools)
    {
        var missing = Missing(tools);
        if (missing.Count == 0) return;
        throw new XunitException($"missing prerequisite(s): {string.Join(", ", missing)}. {Hint}"
            + (IsCi ? " CI=true, so this fails instead of being skipped." : ""));
    }

    public static string Hint =>
        "Run ./test at the repository root (it installs skopeo, podman, containerd, buildah, nginx and curl with apt-get), "
        + "or install them yourself; podman and containerd tests run as root; postgres means WHARF_TEST_POSTGRES "
        + "(eval \"$(scripts/postgres.sh start)\"), s3 means WHARF_TEST_S3_ENDPOINT (eval \"$(scripts/swift.sh start)\").";

    public static string? FindOnPath(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                     .Concat(["/usr/sbin", "/sbin", "/usr/local/sbin"]))
        {
            string candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static bool IsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("EUID") == "0" || GetEuid() == 0;

    private static uint GetEuid()
    {
        try
        {
            string status = File.ReadAllText("/proc/self/status");
            foreach (string line in status.Split('\n'))
            {
                if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
                string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                return uint.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
            // Not Linux: treat as not root.
        }
        return uint.MaxValue;
    }
}

/// <summary>
/// A fact that needs external tools: skipped with a clear message when one is missing, except in CI where it runs
/// (and <see cref="Prerequisites.Require"/> fails it).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        Tools = tools;
        var missing = Prerequisites.Missing(tools);
        if (missing.Count > 0 && !Prerequisites.IsCi)
            Skip = $"needs {string.Join(", ", missing)} (not found). {Prerequisites.Hint} In CI (CI=true) this test fails instead.";
    }

    public IReadOnlyList<string> Tools { get; }
}

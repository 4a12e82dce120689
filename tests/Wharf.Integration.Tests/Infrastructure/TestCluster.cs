using System.Security.Cryptography;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// The scale-out shape for the servers the tests start: with <c>WHARF_TEST_REPLICAS=3</c> every server is three
/// replicas behind nginx (./test runs Protocol and Clients this way a second time, with PostgreSQL and S3).
/// </summary>
public static class TestCluster
{
    public const string Variable = "WHARF_TEST_REPLICAS";

    public static int DefaultReplicas =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out int replicas) && replicas > 1 ? replicas : 1;

    /// <summary>
    /// What replicas must share besides the database: one token-signing key (as a deployment mounts one), and the
    /// blob store, a folder under <paramref name="dataDir"/> when the options do not already use S3 or a path.
    /// </summary>
    public static WharfOptions Share(WharfOptions options, string dataDir)
    {
        var environment = new Dictionary<string, string>(options.Environment);
        if (!environment.ContainsKey("WHARF__AUTH__TOKENKEY"))
        {
            string key = Path.Combine(dataDir, "token-key.pem");
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(key, ec.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            environment["WHARF__AUTH__TOKENKEY"] = key;
        }
        if (!environment.ContainsKey("WHARF__STORAGE__KIND") && !environment.ContainsKey("WHARF__STORAGE__PATH"))
            environment["WHARF__STORAGE__PATH"] = Directory.CreateDirectory(Path.Combine(dataDir, "blobs")).FullName;
        return options with { Environment = environment };
    }
}

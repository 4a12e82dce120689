using System.Security.Cryptography;
using System.Text;

namespace Wharf.Server.Auth;

/// <summary>
/// Machine secrets (robot tokens, refresh tokens): 256 random bits with a prefix that says what they are, so a
/// leaked one is recognisable (and secret scanners can find it). Stored as SHA-256: with that much entropy a
/// fast hash is enough, and it lets the store find a secret by its hash.
/// </summary>
public static class Secrets
{
    public const string RobotPrefix = "wharf_rt_";
    public const string RefreshPrefix = "wharf_rf_";

    public static string NewRobotSecret() => RobotPrefix + Random();

    public static string NewRefreshToken() => RefreshPrefix + Random();

    public static bool IsRobotSecret(string text) => text.StartsWith(RobotPrefix, StringComparison.Ordinal);

    public static string Hash(string secret) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Random() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

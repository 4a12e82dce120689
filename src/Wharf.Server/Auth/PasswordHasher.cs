using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Wharf.Server.Auth;

/// <summary>
/// Argon2id password hashes as PHC strings (<c>$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH</c>), so the cost can
/// rise later without breaking stored hashes: verification reads the parameters from the string.
/// </summary>
public static class PasswordHasher
{
    // OWASP's recommended minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
    private const int MemoryKiB = 19456;
    private const int Iterations = 2;
    private const int Lanes = 1;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>A hash of nothing anyone knows: unknown users are verified against it, so they take as long as known ones.</summary>
    private static readonly Lazy<string> Decoy = new(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Compute(password, salt, MemoryKiB, Iterations, Lanes, HashBytes);
        return $"$argon2id$v=19$m={MemoryKiB},t={Iterations},p={Lanes}${B64(salt)}${B64(hash)}";
    }

    public static bool Verify(string password, string phc)
    {
        var parts = phc.Split('$');
        // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19") return false;
        int m = 0, t = 0, p = 0;
        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], out int value)) return false;
            switch (pair[0]) { case "m": m = value; break; case "t": t = value; break; case "p": p = value; break; }
        }
        if (m < 8 || t < 1 || p < 1) return false;
        byte[] salt, expected;
        try
        {
            salt = FromB64(parts[4]);
            expected = FromB64(parts[5]);
        }
        catch (FormatException)
        {
            return false;
        }
        var actual = Compute(password, salt, m, t, p, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Spends the time of one verification and fails: for a user that does not exist.</summary>
    public static bool VerifyDecoy(string password) => Verify(password, Decoy.Value) && false;

    private static byte[] Compute(string password, byte[] salt, int memoryKiB, int iterations, int lanes, int length)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = memoryKiB,
            Iterations = iterations,
            DegreeOfParallelism = lanes,
        };
        return argon.GetBytes(length);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] FromB64(string text) =>
        Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
}

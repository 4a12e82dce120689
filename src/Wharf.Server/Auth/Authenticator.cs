using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Wharf.Core.Access;

namespace Wharf.Server.Auth;

/// <summary>The result of checking a user name and password (or robot secret).</summary>
public readonly record struct PasswordOutcome(Principal? Principal, TimeSpan? RetryAfter);

/// <summary>
/// Reads a request's credentials (Basic or a bearer token) into a <see cref="Caller"/>, once per request, and
/// checks passwords for the token endpoint. Principals are loaded from the access store on every request, so a
/// removed user or a revoked robot loses access at once, even with a token still in hand.
/// </summary>
public sealed partial class Authenticator(IAccessStore store, TokenIssuer tokens, LoginThrottle throttle, TimeProvider time,
    AuditLog audit, ILogger<Authenticator> log)
{
    private static readonly object ItemKey = new();
    private static readonly TimeSpan VerifiedFor = TimeSpan.FromMinutes(1);

    // Basic clients send the password with every request; Argon2 on each would make them slow and the server easy
    // to overload. A verified password is remembered briefly, keyed by a keyed hash of the pair (never the password),
    // and only as long as the stored hash is unchanged, so a new password or a removed user counts at once.
    private readonly byte[] _cacheKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string PasswordHash, DateTimeOffset Until)> _verified = new();

    public async Task<Caller> CallerAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is Caller known) return known;
        var caller = await ReadAsync(context);
        context.Items[ItemKey] = caller;
        return caller;
    }

    private async Task<Caller> ReadAsync(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        var ct = context.RequestAborted;
        if (string.IsNullOrWhiteSpace(header)) return Caller.Nobody;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var claims = await tokens.ValidateAsync(header[7..].Trim());
            var principal = claims is null ? null : await PrincipalForSubjectAsync(claims.Subject, ct);
            return principal is null
                ? Caller.Invalid(CredentialKind.Bearer)
                : new Caller(CredentialKind.Bearer, principal) { TokenAccess = claims!.Access };
        }
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParseBasic(header[6..].Trim(), out var user, out var password)) return Caller.Invalid(CredentialKind.Basic);
            var address = AuditLog.Address(context);
            var outcome = await CheckPasswordAsync(user, password, address, ct);
            if (outcome.RetryAfter is { } wait) return Caller.Invalid(CredentialKind.Basic) with { RetryAfter = wait };
            if (outcome.Principal is null)
            {
                await audit.RecordAsync(context, "user:" + user, AuditActions.Login, null, null, "basic", allowed: false);
                return Caller.Invalid(CredentialKind.Basic);
            }
            return new Caller(CredentialKind.Basic, outcome.Principal);
        }
        // Another scheme is not a credential this registry knows: treat the caller as anonymous.
        return Caller.Nobody;
    }

    /// <summary>Checks a password or robot secret, with the guessing throttle. Never logs either.</summary>
    public async Task<PasswordOutcome> CheckPasswordAsync(string user, string password, string? address, CancellationToken ct)
    {
        if (throttle.RetryAfter(user, address) is { } wait)
        {
            LogThrottled(log, user, address);
            return new PasswordOutcome(null, wait);
        }
        var principal = await VerifyAsync(user, password, ct);
        if (principal is null)
        {
            throttle.Failed(user, address);
            LogLoginFailed(log, user, address);
        }
        else
        {
            throttle.Succeeded(user, address);
        }
        return new PasswordOutcome(principal, null);
    }

    private async Task<Principal?> VerifyAsync(string user, string password, CancellationToken ct)
    {
        if (Secrets.IsRobotSecret(password))
        {
            var robot = await store.FindRobotBySecretHashAsync(Secrets.Hash(password), ct);
            // The user name must name the robot, so a secret pasted under the wrong name fails visibly.
            if (robot is null || robot.Name != user || !robot.IsActive(time.GetUtcNow())) return null;
            return RobotPrincipal(robot);
        }
        var record = await store.GetUserAsync(user, ct);
        if (record is null)
        {
            PasswordHasher.VerifyDecoy(password);
            return null;
        }
        var now = time.GetUtcNow();
        var key = Convert.ToHexString(System.Security.Cryptography.HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(user + "\0" + password)));
        bool remembered = _verified.TryGetValue(key, out var seen) && seen.Until > now && seen.PasswordHash == record.PasswordHash;
        if (!remembered)
        {
            if (!PasswordHasher.Verify(password, record.PasswordHash)) return null;
            if (_verified.Count > 10_000) _verified.Clear();
            _verified[key] = (record.PasswordHash, now + VerifiedFor);
        }
        return await UserPrincipalAsync(record, ct);
    }

    /// <summary>The live principal a token's subject names, or null when it no longer exists or is no longer active.</summary>
    public async Task<Principal?> PrincipalForSubjectAsync(string subject, CancellationToken ct)
    {
        if (subject == Principal.Anonymous.Subject) return Principal.Anonymous;
        if (subject.StartsWith("user:", StringComparison.Ordinal))
        {
            var user = await store.GetUserAsync(subject[5..], ct);
            return user is null ? null : await UserPrincipalAsync(user, ct);
        }
        if (subject.StartsWith("robot:", StringComparison.Ordinal))
        {
            var robot = await store.GetRobotAsync(subject[6..], ct);
            return robot is null || !robot.IsActive(time.GetUtcNow()) ? null : RobotPrincipal(robot);
        }
        return null;
    }

    public async Task<Principal> UserPrincipalAsync(UserRecord user, CancellationToken ct)
    {
        var memberships = await store.ListMembershipsAsync(user.Name, ct);
        return new Principal
        {
            Kind = PrincipalKind.User,
            Name = user.Name,
            IsAdmin = user.IsAdmin,
            Roles = memberships.ToDictionary(m => m.Namespace, m => m.Role, StringComparer.Ordinal),
        };
    }

    private static Principal RobotPrincipal(RobotRecord robot) =>
        new() { Kind = PrincipalKind.Robot, Name = robot.Name, Grants = robot.Grants };

    /// <summary>Decodes <c>base64(user:password)</c>; the password may itself contain colons.</summary>
    public static bool TryParseBasic(string encoded, out string user, out string password)
    {
        user = password = "";
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return false;
        }
        var text = Encoding.UTF8.GetString(bytes);
        int colon = text.IndexOf(':');
        if (colon <= 0) return false;
        user = text[..colon];
        password = text[(colon + 1)..];
        return password.Length > 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "login failed for '{User}' from {Address}")]
    private static partial void LogLoginFailed(ILogger logger, string user, string? address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "login for '{User}' from {Address} throttled after repeated failures")]
    private static partial void LogThrottled(ILogger logger, string user, string? address);
}

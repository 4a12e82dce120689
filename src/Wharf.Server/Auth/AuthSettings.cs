using Microsoft.Extensions.Configuration;

namespace Wharf.Server.Auth;

/// <summary>
/// The Auth:* and Tls:* configuration keys. Tokens are short-lived and signed with an asymmetric key that every
/// replica must share (Auth:TokenKey); the default key is generated into the data directory on first start.
/// </summary>
public sealed record AuthSettings
{
    /// <summary>Auth:Service: the service name in challenges and the audience of tokens.</summary>
    public string Service { get; init; } = "wharf";

    /// <summary>Auth:Issuer: the issuer of tokens.</summary>
    public string Issuer { get; init; } = "wharf";

    /// <summary>Auth:Realm: the token endpoint's URL as clients reach it; default: this request's scheme and host + /auth/token.</summary>
    public string? Realm { get; init; }

    /// <summary>Auth:TokenKey: PEM private key (EC P-256 or RSA) that signs tokens; default DATA/auth/token-key.pem, generated.</summary>
    public string? TokenKeyPath { get; init; }

    /// <summary>Auth:TokenLifetime: how long an access token is valid.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Auth:RefreshTokenLifetime: how long a refresh (offline) token is valid.</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Auth:FreeLoginFailures: wrong passwords per user and address before the throttle starts delaying.</summary>
    public int FreeLoginFailures { get; init; } = 5;

    /// <summary>Auth:AllowOpen: let a registry without users listen beyond loopback (everyone may do everything).</summary>
    public bool AllowOpen { get; init; }

    /// <summary>Auth:InitialAdminName and Auth:InitialAdminPassword: the first administrator, created when there is no user.</summary>
    public string InitialAdminName { get; init; } = "admin";
    public string? InitialAdminPassword { get; init; }

    /// <summary>Tls:Certificate and Tls:Key: PEM files; with both, Kestrel serves HTTPS.</summary>
    public string? TlsCertificate { get; init; }
    public string? TlsKey { get; init; }

    public string TokenKeyFile(string data) => Path.GetFullPath(TokenKeyPath ?? Path.Combine(data, "auth", "token-key.pem"));

    public static AuthSettings From(IConfiguration config)
    {
        var defaults = new AuthSettings();
        return new AuthSettings
        {
            Service = config["Auth:Service"] ?? defaults.Service,
            Issuer = config["Auth:Issuer"] ?? defaults.Issuer,
            Realm = config["Auth:Realm"],
            TokenKeyPath = config["Auth:TokenKey"],
            TokenLifetime = config.GetValue("Auth:TokenLifetime", defaults.TokenLifetime),
            RefreshTokenLifetime = config.GetValue("Auth:RefreshTokenLifetime", defaults.RefreshTokenLifetime),
            AllowOpen = config.GetValue("Auth:AllowOpen", false),
            FreeLoginFailures = config.GetValue("Auth:FreeLoginFailures", defaults.FreeLoginFailures),
            InitialAdminName = config["Auth:InitialAdminName"] ?? defaults.InitialAdminName,
            InitialAdminPassword = config["Auth:InitialAdminPassword"],
            TlsCertificate = config["Tls:Certificate"],
            TlsKey = config["Tls:Key"],
        };
    }

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Service) || Service.Contains('"')) yield return "Auth:Service must be a non-empty name without quotes";
        if (Realm is not null && (!Uri.TryCreate(Realm, UriKind.Absolute, out _) || Realm.Contains('"')))
            yield return "Auth:Realm must be an absolute URL";
        if (TokenLifetime < TimeSpan.FromSeconds(10) || TokenLifetime > TimeSpan.FromDays(1))
            yield return "Auth:TokenLifetime must be between 10 seconds and 1 day";
        if (FreeLoginFailures < 1) yield return "Auth:FreeLoginFailures must be at least 1";
        if (RefreshTokenLifetime <= TimeSpan.Zero) yield return "Auth:RefreshTokenLifetime must be positive";
        if (InitialAdminPassword is { Length: < 8 }) yield return "Auth:InitialAdminPassword must have at least 8 characters";
        if (!Core.Access.Namespaces.IsValid(InitialAdminName)) yield return "Auth:InitialAdminName must be a valid user name";
        if ((TlsCertificate is null) != (TlsKey is null)) yield return "Tls:Certificate and Tls:Key go together";
    }
}

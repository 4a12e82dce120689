using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wharf.Core.Access;

namespace Wharf.Server.Auth;

/// <summary>Registers access control (<see cref="AddWharfAuth"/>) and makes the registry secure by default at startup.</summary>
public static partial class AuthSetup
{
    /// <summary>Access control from its own settings; <paramref name="dataDirectory"/> holds the generated token key by default.</summary>
    public static IServiceCollection AddWharfAuth(this IServiceCollection services, AuthSettings auth, string dataDirectory)
    {
        services.AddSingleton(auth);
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AuthMode>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<AccessGuard>();
        services.AddSingleton(sp => new TokenIssuer(
            TokenKey.Load(auth.TokenKeyFile(dataDirectory), generateIfMissing: auth.TokenKeyPath is null),
            auth, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static void MapWharfAuth(this WebApplication app) => app.MapTokenEndpoint();

    /// <summary>
    /// After migrations: creates the configured first administrator, loads the signing key, and refuses to expose
    /// a registry without users beyond loopback unless Auth:AllowOpen says so.
    /// </summary>
    public static async Task PrepareAuthAsync(IServiceProvider services, string listen, CancellationToken ct)
    {
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Wharf.Auth");
        var store = services.GetRequiredService<IAccessStore>();
        var auth = services.GetRequiredService<AuthSettings>();
        _ = services.GetRequiredService<TokenIssuer>();

        if (auth.InitialAdminPassword is { } password && !await store.AnyUserAsync(ct))
        {
            var time = services.GetRequiredService<TimeProvider>();
            var outcome = await store.AddUserAsync(new UserRecord(auth.InitialAdminName, PasswordHasher.Hash(password), IsAdmin: true, time.GetUtcNow()), ct);
            if (outcome == AccessStoreOutcome.Done) LogInitialAdmin(log, auth.InitialAdminName);
        }

        if (await store.AnyUserAsync(ct)) return;
        var address = ListenAddress.Parse(listen).Address;
        if (IPAddress.IsLoopback(address)) return;
        if (!auth.AllowOpen)
            throw new InvalidOperationException(
                $"configuration: refusing to listen on {listen} with no users: anyone could push, pull and delete. "
                + "Create an administrator (`wharf user add NAME --admin`, or Auth:InitialAdminPassword), "
                + "or run an open registry on purpose with --insecure-open (Auth:AllowOpen=true).");
        LogOpen(log, listen);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "created the initial administrator '{Name}'")]
    private static partial void LogInitialAdmin(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the registry is OPEN on {Listen}: there are no users, so anyone who can reach it may push, pull and delete (Auth:AllowOpen)")]
    private static partial void LogOpen(ILogger logger, string listen);
}

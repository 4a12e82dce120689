using Microsoft.Extensions.DependencyInjection;
using Wharf.Core.Access;

namespace Wharf.Server.Tests.Auth;

/// <summary>A registry without users stays on loopback unless told it may be open; the first admin can come from configuration.</summary>
public sealed class SecureByDefaultTests
{
    private static async Task<Exception?> PrepareAsync(string data, Dictionary<string, string?> settings)
    {
        settings["Data"] = data;
        await using var app = WharfHost.Build(configFile: null, settings);
        try
        {
            await WharfHost.PrepareAsync(app, CancellationToken.None);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }

    [Fact]
    public async Task Listening_beyond_loopback_with_no_users_is_refused_unless_open_on_purpose()
    {
        using var dir = new TempDirectory();
        var refused = await PrepareAsync(dir.Path, new() { ["Listen"] = "0.0.0.0:0" });
        Assert.NotNull(refused);
        Assert.Contains("refusing to listen on 0.0.0.0:0", refused.Message);
        Assert.Contains("--insecure-open", refused.Message);
        Assert.Null(await PrepareAsync(dir.Path, new() { ["Listen"] = "0.0.0.0:0", ["Auth:AllowOpen"] = "true" }));
        Assert.Null(await PrepareAsync(dir.Path, new() { ["Listen"] = "127.0.0.1:0" }));
    }

    [Fact]
    public async Task A_configured_initial_password_creates_the_first_administrator_once()
    {
        using var dir = new TempDirectory();
        Assert.Null(await PrepareAsync(dir.Path, new() { ["Listen"] = "0.0.0.0:0", ["Auth:InitialAdminPassword"] = "first-admin-password" }));
        await using var app = WharfHost.Build(null, new Dictionary<string, string?> { ["Data"] = dir.Path });
        var store = app.Services.GetRequiredService<IAccessStore>();
        var admin = await store.GetUserAsync("admin", default);
        Assert.NotNull(admin);
        Assert.True(admin.IsAdmin);
        Assert.StartsWith("$argon2id$", admin.PasswordHash);
        Assert.True(Wharf.Server.Auth.PasswordHasher.Verify("first-admin-password", admin.PasswordHash));
        // A later start with another password changes nothing: the users exist.
        Assert.Null(await PrepareAsync(dir.Path, new() { ["Auth:InitialAdminPassword"] = "other-admin-password" }));
        Assert.True(Wharf.Server.Auth.PasswordHasher.Verify("first-admin-password", (await store.GetUserAsync("admin", default))!.PasswordHash));
    }

    [Fact]
    public async Task A_short_initial_password_is_a_configuration_error()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<InvalidOperationException>(() => WharfHost.Build(null, new Dictionary<string, string?> { ["Data"] = dir.Path, ["Auth:InitialAdminPassword"] = "short" }));
        Assert.Contains("Auth:InitialAdminPassword", error.Message);
    }
}

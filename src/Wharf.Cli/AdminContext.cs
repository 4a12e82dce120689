using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Server;
using Wharf.Server.Auth;

namespace Wharf.Cli;

/// <summary>
/// The registry's stores opened from its configuration and data directory, without serving: the offline admin
/// commands (user, token, namespace, audit) work here, so the first administrator can be made before the
/// server ever runs. Changes are audited as the local operating-system user. No web host: a plain service
/// collection with the server's own configuration reading and store registrations, so both open the same stores.
/// </summary>
internal sealed class AdminContext : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private AdminContext(ServiceProvider services) => _services = services;

    public static Option<string?> DataOption() => new("--data") { Description = "data directory (default ./data)" };

    public static Option<string?> ConfigOption() => new("--config") { Description = "configuration file (default ./wharf.yaml when present)" };

    public IAccessStore Store => _services.GetRequiredService<IAccessStore>();

    public AccessAdmin Admin => _services.GetRequiredService<AccessAdmin>();

    public static string Actor => "local:" + Environment.UserName;

    public const string Address = "local";

    public static async Task<AdminContext> OpenAsync(ParseResult result, Option<string?> config, Option<string?> data, CancellationToken ct)
    {
        var overrides = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
        if (result.GetValue(data) is { } d) overrides["Data"] = d;
        var configuration = new ConfigurationBuilder().AddWharfSources(result.GetValue(config), overrides).Build();
        var settings = WharfSettings.From(configuration);

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddWharfLogging(settings, configuration));
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddWharfStores(settings);
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AccessAdmin>();
        var provider = services.BuildServiceProvider();
        try
        {
            Directory.CreateDirectory(Path.GetFullPath(settings.Data));
            await provider.GetRequiredService<IMetadataStore>().MigrateAsync(ct);
            return new AdminContext(provider);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>Prints the outcome: the message on stdout when it worked, on stderr with exit code 1 when not.</summary>
    public static int Report(AdminOutcome outcome)
    {
        if (outcome.Ok)
        {
            Console.WriteLine(outcome.Message);
            return 0;
        }
        Console.Error.WriteLine("error: " + outcome.Message);
        return 1;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>Reads a password without echoing it, or one line from standard input when that is not a terminal.</summary>
internal static class PasswordPrompt
{
    public static string? Read(string prompt, bool confirm)
    {
        if (Console.IsInputRedirected) return Console.In.ReadLine()?.TrimEnd('\r', '\n');
        var first = ReadHidden(prompt);
        if (!confirm) return first;
        var second = ReadHidden("Again: ");
        if (first == second) return first;
        Console.Error.WriteLine("error: the passwords differ");
        return null;
    }

    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (text.Length > 0) text.Length--; continue; }
            text.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return text.ToString();
    }
}

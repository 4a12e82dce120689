using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Wharf.Server;

/// <summary>
/// Where the registry's configuration comes from and how it logs, shared by the server host and by the CLI's
/// admin commands, which open the same stores without a web host and so must read the same keys the same way.
/// </summary>
public static class WharfConfiguration
{
    /// <summary>
    /// Adds the sources, later ones winning: <paramref name="configFile"/> as a wharf.yaml (optional: ./wharf.yaml
    /// is read when it exists), environment variables (WHARF__SECTION__KEY), then <paramref name="overrides"/>:
    /// command-line flags as configuration keys.
    /// </summary>
    public static IConfigurationBuilder AddWharfSources(this IConfigurationBuilder config, string? configFile, IDictionary<string, string?> overrides)
    {
        ArgumentNullException.ThrowIfNull(config);
        var yaml = configFile ?? "wharf.yaml";
        config.Add(new YamlConfigurationSource(Path.GetFullPath(yaml), optional: configFile is null));
        config.AddEnvironmentVariables("WHARF__");
        config.AddInMemoryCollection(overrides);
        return config;
    }

    /// <summary>Console logging in the configured format, with levels from the Logging section.</summary>
    public static ILoggingBuilder AddWharfLogging(this ILoggingBuilder logging, WharfSettings settings, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(config);
        logging.ClearProviders();
        logging.AddConfiguration(config.GetSection("Logging"));
        logging.SetMinimumLevel(LogLevel.Information);
        // Kestrel and routing are chatty at Information; a registry log is about the registry.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (settings.LogFormat.Equals("json", StringComparison.OrdinalIgnoreCase))
            logging.AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
        else
            logging.AddSimpleConsole(o => { o.SingleLine = true; o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; });
        return logging;
    }
}

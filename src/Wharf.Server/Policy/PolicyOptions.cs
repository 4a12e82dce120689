using Microsoft.Extensions.Configuration;

namespace Wharf.Server.Policy;

/// <summary>The policy module's configuration (section Retention).</summary>
public sealed record PolicyOptions
{
    /// <summary>Retention:Interval: how often the retention job applies the policies' retention rules.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromHours(1);

    public static PolicyOptions From(IConfiguration config)
    {
        var defaults = new PolicyOptions();
        return new PolicyOptions { RetentionInterval = config.GetValue("Retention:Interval", defaults.RetentionInterval) };
    }

    public IEnumerable<string> Problems()
    {
        if (RetentionInterval <= TimeSpan.Zero) yield return "Retention:Interval must be positive";
    }
}

using Microsoft.Extensions.Configuration;

namespace Wharf.Server.Models;

/// <summary>How the index job runs (config section Indexing).</summary>
public sealed record ModelIndexOptions
{
    /// <summary>How often an idle replica looks at the queue.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a claim lasts; a replica that dies mid-job gives its rows back after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>First retry delay; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Attempts before a version is recorded as failed (its push stays, and the error is shown).</summary>
    public int MaxAttempts { get; init; } = 5;
    public int BatchSize { get; init; } = 8;

    public static ModelIndexOptions From(IConfiguration config)
    {
        var defaults = new ModelIndexOptions();
        return new ModelIndexOptions
        {
            PollInterval = config.GetValue("Indexing:PollInterval", defaults.PollInterval),
            Lease = config.GetValue("Indexing:Lease", defaults.Lease),
            RetryDelay = config.GetValue("Indexing:RetryDelay", defaults.RetryDelay),
            MaxRetryDelay = config.GetValue("Indexing:MaxRetryDelay", defaults.MaxRetryDelay),
            MaxAttempts = config.GetValue("Indexing:MaxAttempts", defaults.MaxAttempts),
            BatchSize = config.GetValue("Indexing:BatchSize", defaults.BatchSize),
        };
    }

    public IEnumerable<string> Problems()
    {
        if (PollInterval <= TimeSpan.Zero || Lease <= TimeSpan.Zero || RetryDelay <= TimeSpan.Zero
            || MaxRetryDelay < RetryDelay || MaxAttempts < 1 || BatchSize < 1)
            yield return "Indexing settings: intervals must be positive, MaxRetryDelay >= RetryDelay, MaxAttempts and BatchSize >= 1";
    }
}

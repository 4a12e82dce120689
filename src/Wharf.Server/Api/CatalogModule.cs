using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core.Catalog;
using Wharf.Ml;
using Wharf.Server.Jobs;

namespace Wharf.Server.Api;

/// <summary>The model catalog module: the indexer, its job, and their options (config section Indexing).</summary>
public static class CatalogModule
{
    public static IServiceCollection AddModelCatalog(this IServiceCollection services, IConfiguration config)
    {
        var defaults = new ModelIndexOptions();
        var options = new ModelIndexOptions
        {
            PollInterval = config.GetValue("Indexing:PollInterval", defaults.PollInterval),
            Lease = config.GetValue("Indexing:Lease", defaults.Lease),
            RetryDelay = config.GetValue("Indexing:RetryDelay", defaults.RetryDelay),
            MaxRetryDelay = config.GetValue("Indexing:MaxRetryDelay", defaults.MaxRetryDelay),
            MaxAttempts = config.GetValue("Indexing:MaxAttempts", defaults.MaxAttempts),
            BatchSize = config.GetValue("Indexing:BatchSize", defaults.BatchSize),
        };
        if (options.PollInterval <= TimeSpan.Zero || options.Lease <= TimeSpan.Zero || options.RetryDelay <= TimeSpan.Zero
            || options.MaxRetryDelay < options.RetryDelay || options.MaxAttempts < 1 || options.BatchSize < 1)
            throw new InvalidOperationException("Indexing settings: intervals must be positive, MaxRetryDelay >= RetryDelay, MaxAttempts and BatchSize >= 1");
        services.AddSingleton(options);
        services.AddSingleton<ModelIndexer>();
        // A metadata backend without a catalog store (both built-in backends have one now) serves /v2 as usual;
        // /api/v1 then answers 501. Call this after the stores are added.
        if (!services.Any(d => d.ServiceType == typeof(IModelCatalogStore))) return services;
        services.AddSingleton<ModelIndexJob>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelIndexJob>());
        return services;
    }
}

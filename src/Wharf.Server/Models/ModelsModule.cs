using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core.Catalog;
using Wharf.Ml;

using Wharf.Server.Api;

namespace Wharf.Server.Models;

/// <summary>The models module: the indexer, its job and options (section Indexing), and the /api/v1 models routes.</summary>
public static class ModelsModule
{
    /// <summary>Call after the stores are added: the job runs only when the metadata backend has a catalog store.</summary>
    public static IServiceCollection AddModels(this IServiceCollection services, ModelIndexOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ModelIndexer>();
        // A metadata backend without a catalog store (both built-in backends have one now) serves /v2 as usual;
        // /api/v1 then answers 501.
        if (!services.Any(d => d.ServiceType == typeof(IModelCatalogStore))) return services;
        services.AddSingleton<ModelIndexJob>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelIndexJob>());
        return services;
    }

    public static void MapModels(this WebApplication app) => app.MapApiRoutes(ModelsApi.Routes);
}

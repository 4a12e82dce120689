using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core.Policy;

using Wharf.Server.Api;

namespace Wharf.Server.Policy;

/// <summary>
/// The policy module: versioning policies, promotions and retention (Core/Policy), the retention job, and their
/// /api/v1 routes. The /v2 manifest rules consult <see cref="PolicyService"/> when this module is present.
/// </summary>
public static class PolicyModule
{
    public static IServiceCollection AddPolicy(this IServiceCollection services, PolicyOptions options)
    {
        services.AddSingleton(options);
        foreach (var condition in PromotionConditions.BuiltIn) services.AddSingleton(condition);
        services.AddSingleton<PolicyService>();
        services.AddSingleton<PromotionService>();
        services.AddSingleton<RetentionService>();
        services.AddHostedService<RetentionJob>();
        return services;
    }

    public static void MapPolicy(this WebApplication app) => app.MapApiRoutes(PolicyApi.Routes);
}

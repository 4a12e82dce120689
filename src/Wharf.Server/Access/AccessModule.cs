using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;

using Wharf.Server.Api;

namespace Wharf.Server.Access;

/// <summary>
/// The access administration module: users, robots, namespaces, members and the audit log, as the admin API and
/// the CLI change them (<see cref="AccessAdmin"/>). It has no configuration of its own; who may call is Auth's.
/// </summary>
public static class AccessModule
{
    public static IServiceCollection AddAccessAdmin(this IServiceCollection services)
    {
        services.AddSingleton<AccessAdmin>();
        return services;
    }

    public static void MapAccessAdmin(this WebApplication app) => app.MapApiRoutes(AdminEndpoints.Routes);
}

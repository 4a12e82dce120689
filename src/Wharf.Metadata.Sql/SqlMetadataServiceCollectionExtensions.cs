using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Core.Catalog;
using Wharf.Core.Policy;

namespace Wharf.Metadata.Sql;

public static class SqlMetadataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one <see cref="SqlDatabase"/> that <paramref name="open"/> makes (the pool every store shares)
    /// and every metadata contract on it: <see cref="IMetadataStore"/>, <see cref="IJobLeases"/>,
    /// <see cref="IPolicyStore"/>, <see cref="IAccessStore"/> and <see cref="IModelCatalogStore"/>. An engine's
    /// AddXxxMetadata calls this with its own database; the host calls <see cref="IMetadataStore.MigrateAsync"/> at startup.
    /// </summary>
    public static IServiceCollection AddSqlMetadata(this IServiceCollection services, Func<IServiceProvider, SqlDatabase> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        services.AddSingleton(open);
        services.AddSingleton(sp => new SqlMetadataStore(sp.GetRequiredService<SqlDatabase>()));
        services.AddSingleton<IMetadataStore>(sp => sp.GetRequiredService<SqlMetadataStore>());
        services.AddSingleton<IJobLeases>(sp => sp.GetRequiredService<SqlMetadataStore>());
        services.AddSingleton<IPolicyStore>(sp => sp.GetRequiredService<SqlMetadataStore>());
        services.AddSingleton<IAccessStore>(sp => new SqlAccessStore(sp.GetRequiredService<SqlDatabase>()));
        services.AddSingleton<IModelCatalogStore>(sp => new SqlModelCatalogStore(sp.GetRequiredService<SqlDatabase>()));
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Core.Policy;

namespace Wharf.Metadata.Postgres;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="PostgresMetadataStore"/> on <paramref name="connectionString"/> as the
    /// <see cref="IMetadataStore"/>, the <see cref="IJobLeases"/> and the <see cref="IPolicyStore"/>; it uses the container's <see cref="TimeProvider"/>
    /// when one is registered. The host calls <see cref="IMetadataStore.MigrateAsync"/> at startup.
    /// </summary>
    public static IServiceCollection AddPostgresMetadataStore(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        PostgresMetadataStore.CheckConnectionString(connectionString); // fail at composition, not on the first request
        services.AddSingleton(sp => new PostgresMetadataStore(connectionString, sp.GetService<TimeProvider>()));
        services.AddSingleton<IMetadataStore>(sp => sp.GetRequiredService<PostgresMetadataStore>());
        services.AddSingleton<IJobLeases>(sp => sp.GetRequiredService<PostgresMetadataStore>());
        services.AddSingleton<IPolicyStore>(sp => sp.GetRequiredService<PostgresMetadataStore>());
        return services;
    }

    /// <summary>
    /// Registers a <see cref="PostgresAccessStore"/> on the same database as the metadata store; its tables come
    /// with the metadata store's migrations.
    /// </summary>
    public static IServiceCollection AddPostgresAccessStore(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        PostgresMetadataStore.CheckConnectionString(connectionString);
        services.AddSingleton<IAccessStore>(_ => new PostgresAccessStore(connectionString));
        return services;
    }
}

public static class ModelCatalogServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL <see cref="Wharf.Core.Catalog.IModelCatalogStore"/> on the metadata store's database
    /// (its tables come with the metadata store's migrations); it uses the container's <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddPostgresModelCatalog(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        PostgresMetadataStore.CheckConnectionString(connectionString);
        services.AddSingleton<Wharf.Core.Catalog.IModelCatalogStore>(sp => new PostgresModelCatalogStore(connectionString, sp.GetService<TimeProvider>()));
        return services;
    }
}

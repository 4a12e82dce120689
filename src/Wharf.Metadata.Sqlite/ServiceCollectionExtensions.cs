using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Core.Policy;

namespace Wharf.Metadata.Sqlite;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="SqliteMetadataStore"/> on the database file <paramref name="databasePath"/> as the
    /// <see cref="IMetadataStore"/>, the <see cref="IJobLeases"/> and the <see cref="IPolicyStore"/>; it uses the
    /// container's <see cref="TimeProvider"/> when one is registered. The host calls
    /// <see cref="IMetadataStore.MigrateAsync"/> at startup.
    /// </summary>
    public static IServiceCollection AddSqliteMetadataStore(this IServiceCollection services, string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.AddSingleton(sp => new SqliteMetadataStore(databasePath, sp.GetService<TimeProvider>()));
        services.AddSingleton<IMetadataStore>(sp => sp.GetRequiredService<SqliteMetadataStore>());
        services.AddSingleton<IJobLeases>(sp => sp.GetRequiredService<SqliteMetadataStore>());
        services.AddSingleton<IPolicyStore>(sp => sp.GetRequiredService<SqliteMetadataStore>());
        return services;
    }

    /// <summary>
    /// Registers a <see cref="SqliteAccessStore"/> on the same database file as the metadata store; its tables
    /// come with the metadata store's migrations.
    /// </summary>
    public static IServiceCollection AddSqliteAccessStore(this IServiceCollection services, string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.AddSingleton<IAccessStore>(_ => new SqliteAccessStore(databasePath));
        return services;
    }
}

public static class ModelCatalogServiceCollectionExtensions
{
    /// <summary>Registers the SQLite <see cref="Wharf.Core.Catalog.IModelCatalogStore"/> on the metadata store's database file.</summary>
    public static IServiceCollection AddSqliteModelCatalog(this IServiceCollection services, string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.AddSingleton<Wharf.Core.Catalog.IModelCatalogStore>(sp => new SqliteModelCatalogStore(databasePath, sp.GetService<TimeProvider>()));
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;

namespace Wharf.Metadata.Sqlite;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="SqliteMetadataStore"/> on the database file <paramref name="databasePath"/> as the
    /// <see cref="IMetadataStore"/> and <see cref="IJobLeases"/>; it uses the container's <see cref="TimeProvider"/> when one is registered.
    /// The host calls <see cref="IMetadataStore.MigrateAsync"/> at startup.
    /// </summary>
    public static IServiceCollection AddSqliteMetadataStore(this IServiceCollection services, string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.AddSingleton(sp => new SqliteMetadataStore(databasePath, sp.GetService<TimeProvider>()));
        services.AddSingleton<IMetadataStore>(sp => sp.GetRequiredService<SqliteMetadataStore>());
        services.AddSingleton<IJobLeases>(sp => sp.GetRequiredService<SqliteMetadataStore>());
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

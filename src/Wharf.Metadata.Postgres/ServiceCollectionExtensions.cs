using Microsoft.Extensions.DependencyInjection;
using Wharf.Metadata.Sql;

namespace Wharf.Metadata.Postgres;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers every metadata contract on one PostgreSQL data source, one pool per replica (see
    /// <see cref="SqlMetadataServiceCollectionExtensions.AddSqlMetadata"/>); the stores use the container's
    /// <see cref="TimeProvider"/> when one is registered. A bad connection string fails here, at composition.
    /// </summary>
    public static IServiceCollection AddPostgresMetadata(this IServiceCollection services, PostgresMetadataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        PostgresMetadata.CheckConnectionString(options.ConnectionString);
        return services.AddSqlMetadata(sp => PostgresMetadata.Open(options.ConnectionString, sp.GetService<TimeProvider>()));
    }
}

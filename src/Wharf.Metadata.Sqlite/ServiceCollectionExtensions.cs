using Microsoft.Extensions.DependencyInjection;
using Wharf.Metadata.Sql;

namespace Wharf.Metadata.Sqlite;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers every metadata contract on one SQLite file and one connection pool (see
    /// <see cref="SqlMetadataServiceCollectionExtensions.AddSqlMetadata"/>); the stores use the container's
    /// <see cref="TimeProvider"/> when one is registered.
    /// </summary>
    public static IServiceCollection AddSqliteMetadata(this IServiceCollection services, SqliteMetadataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        return services.AddSqlMetadata(sp => SqliteMetadata.Open(options.Path, sp.GetService<TimeProvider>()));
    }
}

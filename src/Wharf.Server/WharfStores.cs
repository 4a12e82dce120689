using Microsoft.Extensions.DependencyInjection;
using Wharf.Metadata.Postgres;
using Wharf.Metadata.Sqlite;
using Wharf.Storage.FileSystem;
using Wharf.Storage.S3;

namespace Wharf.Server;

/// <summary>
/// The blob store and the metadata stores the settings choose, through each backend's own AddX(). The server
/// host and the CLI's offline admin commands both open the stores here, so they always open the same ones.
/// </summary>
public static class WharfStores
{
    public static IServiceCollection AddWharfStores(this IServiceCollection services, WharfSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        switch (settings.StorageKind.ToLowerInvariant())
        {
            case "filesystem": services.AddFileSystemBlobStore(new FileSystemBlobStoreOptions { RootDirectory = settings.BlobRoot }); break;
            case "s3": services.AddS3BlobStore(settings.S3); break;
            default: throw new InvalidOperationException($"Storage:Kind '{settings.StorageKind}' is not known (filesystem, s3)");
        }
        switch (settings.MetadataKind)
        {
            case "sqlite":
                services.AddSqliteMetadata(new SqliteMetadataOptions { Path = settings.DatabasePath });
                break;
            case "postgres":
                services.AddPostgresMetadata(new PostgresMetadataOptions { ConnectionString = settings.MetadataConnectionString! });
                break;
            default: throw new InvalidOperationException($"Metadata:Kind '{settings.MetadataKind}' is not known (sqlite, postgres)");
        }
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;

namespace Wharf.Storage.FileSystem;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers a <see cref="FileSystemBlobStore"/> rooted at the options' directory as the <see cref="IBlobStore"/>.</summary>
    public static IServiceCollection AddFileSystemBlobStore(this IServiceCollection services, FileSystemBlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RootDirectory, nameof(options));
        services.AddSingleton(_ => new FileSystemBlobStore(options.RootDirectory));
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<FileSystemBlobStore>());
        return services;
    }
}

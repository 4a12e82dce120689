using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;

namespace Wharf.Storage.FileSystem;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers a <see cref="FileSystemBlobStore"/> rooted at <paramref name="rootDirectory"/> as the <see cref="IBlobStore"/>.</summary>
    public static IServiceCollection AddFileSystemBlobStore(this IServiceCollection services, string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        services.AddSingleton(_ => new FileSystemBlobStore(rootDirectory));
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<FileSystemBlobStore>());
        return services;
    }
}

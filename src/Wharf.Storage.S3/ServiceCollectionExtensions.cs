using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;

namespace Wharf.Storage.S3;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers an <see cref="S3BlobStore"/> for <paramref name="options"/> as the <see cref="IBlobStore"/>.</summary>
    public static IServiceCollection AddS3BlobStore(this IServiceCollection services, S3BlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new ArgumentException("S3 blob store: " + string.Join("; ", problems), nameof(options));
        services.AddSingleton(sp => new S3BlobStore(options, S3ClientFactory.Create(options), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<S3BlobStore>());
        return services;
    }
}

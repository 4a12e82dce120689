using Microsoft.Extensions.DependencyInjection;
using Wharf.Core.Registry;
using Wharf.Server.Jobs;

namespace Wharf.Server.Oci;

/// <summary>The /v2 module: the registry rules it serves (Core/Registry), upload bookkeeping and the upload expiry job.</summary>
public static class OciModule
{
    public static IServiceCollection AddOci(this IServiceCollection services, RegistryLimits limits, UploadOptions uploads)
    {
        services.AddSingleton(limits);
        services.AddSingleton(uploads);
        services.AddSingleton<UploadHashes>();
        services.AddSingleton<UploadLeases>();
        services.AddSingleton<UploadGate>();
        services.AddSingleton<UploadService>();
        services.AddSingleton<ManifestService>();
        services.AddSingleton<BlobService>();
        services.AddSingleton<ListingService>();
        services.AddHostedService<UploadExpiryJob>();
        return services;
    }
}

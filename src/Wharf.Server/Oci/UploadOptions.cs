using Microsoft.Extensions.Configuration;

namespace Wharf.Server.Oci;

/// <summary>How this node receives and expires uploads (Limits:MaxConcurrentUploads, Uploads:ExpiryInterval).</summary>
public sealed record UploadOptions
{
    /// <summary>Limits:MaxConcurrentUploads: blob bodies received at once by one node; 0 = no bound.</summary>
    public int MaxConcurrentUploads { get; init; } = 256;

    /// <summary>Uploads:ExpiryInterval: how often the expiry job looks for idle sessions.</summary>
    public TimeSpan ExpiryInterval { get; init; } = TimeSpan.FromMinutes(10);

    public static UploadOptions From(IConfiguration config)
    {
        var defaults = new UploadOptions();
        return new UploadOptions
        {
            MaxConcurrentUploads = config.GetValue("Limits:MaxConcurrentUploads", defaults.MaxConcurrentUploads),
            ExpiryInterval = config.GetValue("Uploads:ExpiryInterval", defaults.ExpiryInterval),
        };
    }

    public IEnumerable<string> Problems()
    {
        if (MaxConcurrentUploads < 0) yield return "Limits:MaxConcurrentUploads must be 0 (no limit) or positive";
        if (ExpiryInterval <= TimeSpan.Zero) yield return "Uploads:ExpiryInterval must be positive";
    }
}

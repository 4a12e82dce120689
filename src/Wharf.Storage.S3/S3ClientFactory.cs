using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Wharf.Storage.S3;

/// <summary>The SDK client for <see cref="S3BlobStoreOptions"/>: endpoint, signing region, dialect and retries.</summary>
public static class S3ClientFactory
{
    public static AmazonS3Client Create(S3BlobStoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            // Standard mode: exponential backoff with jitter on throttling (SlowDown, 503) and on 5xx and network
            // errors; every body Wharf sends is a seekable buffer, so each of those requests can be sent again.
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = options.MaxRetries,
            Timeout = options.RequestTimeout,
            // The default (8 KiB) makes a part thousands of small writes; a part is megabytes.
            BufferSize = 1024 * 1024,
        };
        if (options.Endpoint is not null) config.ServiceURL = options.Endpoint.ToString();
        else config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        if (options.DisableChunkEncoding)
        {
            // Without this the SDK adds CRC trailers to every upload, which needs aws-chunked bodies.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        return options.AccessKey is null
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}

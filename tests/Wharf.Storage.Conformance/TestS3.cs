using Amazon.S3;
using Amazon.S3.Model;
using Wharf.Storage.S3;

namespace Wharf.Storage.Conformance;

/// <summary>The S3 endpoint of the tests: the local Swift that scripts/swift.sh starts (./test does it).</summary>
internal static class TestS3
{
    public const string Variable = "WHARF_TEST_S3_ENDPOINT";
    public const string Hint = "Run ./test (it starts a single-node Swift with scripts/swift.sh), or eval \"$(scripts/swift.sh start)\" first.";

    /// <summary>Options for a store of its own: a fresh key prefix in the shared test bucket.</summary>
    public static S3BlobStoreOptions Options(Type testClass) => new()
    {
        Endpoint = new Uri(NeedsEnvironmentAttribute.Require(testClass, Variable)),
        Bucket = Environment.GetEnvironmentVariable("WHARF_TEST_S3_BUCKET") ?? "wharf-test",
        Region = Environment.GetEnvironmentVariable("WHARF_TEST_S3_REGION") ?? "us-east-1",
        AccessKey = Environment.GetEnvironmentVariable("WHARF_TEST_S3_ACCESS_KEY"),
        SecretKey = Environment.GetEnvironmentVariable("WHARF_TEST_S3_SECRET_KEY"),
        // Swift's s3api is the strict dialect: path-style, no aws-chunked bodies.
        ForcePathStyle = true,
        DisableChunkEncoding = true,
        Prefix = $"test/{testClass.Name}/{Guid.NewGuid():N}",
    };

    public static async Task<List<S3Object>> ListAsync(IAmazonS3 s3, S3BlobStoreOptions options, string prefix)
    {
        var objects = new List<S3Object>();
        var request = new ListObjectsV2Request { BucketName = options.Bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            objects.AddRange(page.S3Objects ?? []);
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        return objects;
    }

    /// <summary>Removes everything a test wrote under its prefix.</summary>
    public static async Task DeletePrefixAsync(S3BlobStoreOptions options)
    {
        using var s3 = S3ClientFactory.Create(options);
        var objects = await ListAsync(s3, options, new S3Keys(options.Prefix).Prefix);
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (o, ct) =>
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = options.Bucket, Key = o.Key }, ct));
    }
}

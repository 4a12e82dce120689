using System.Buffers;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Wharf.Core;

namespace Wharf.Storage.S3;

/// <summary>
/// Blobs and upload sessions as objects in one S3 bucket (layout: <see cref="S3Keys"/>). Every piece of session
/// state is an object, so any replica can continue, read or commit an upload another one started; nothing
/// about a session lives in this process except, for the length of one request, at most one part's buffer.
/// </summary>
/// <remarks>
/// Why parts are ordinary objects rather than the parts of an open multipart upload: S3 cannot read back the
/// parts of a multipart upload before it completes, and a replica that lacks an upload's hash state must read
/// the bytes so far to rebuild it. So a session writes each full part as its own object, and commit assembles
/// them server-side into a multipart upload at the blob's content address (UploadPartCopy, part by part),
/// which is the multipart-copy path for blobs of any size, never one CopyObject beyond a part.
/// </remarks>
public sealed partial class S3BlobStore : IBlobStore, IDisposable
{
    private const string OctetStream = "application/octet-stream";

    private readonly IAmazonS3 _s3;
    private readonly S3BlobStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ArrayPool<byte> _partBuffers = ArrayPool<byte>.Create(S3BlobStoreOptions.MaxPartSize, 8);
    private readonly SemaphoreSlim[] _commitLocks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public S3BlobStore(S3BlobStoreOptions options, IAmazonS3 client, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new ArgumentException("S3 blob store: " + string.Join("; ", problems), nameof(options));
        _options = options;
        _s3 = client;
        _time = time ?? TimeProvider.System;
        Keys = new S3Keys(options.Prefix);
    }

    public S3Keys Keys { get; }

    public S3BlobStoreOptions Options => _options;

    public async Task<BlobInfo?> StatAsync(Digest digest, CancellationToken ct)
    {
        var head = await HeadAsync(Keys.Blob(digest), ct);
        return head is null ? null : new BlobInfo(digest, head.ContentLength);
    }

    public async Task<BlobContent?> OpenAsync(Digest digest, CancellationToken ct)
    {
        string key = Keys.Blob(digest);
        var head = await HeadAsync(key, ct);
        if (head is null) return null;
        long length = head.ContentLength; // blobs are immutable, so the length read now stays true
        Uri? redirect = _options.RedirectGets ? await PresignGetAsync(key) : null;
        return new BlobContent(length, null, (offset, count, token) => OpenRangeAsync(key, length, offset, count, token)) { RedirectUri = redirect };
    }

    public async Task<bool> DeleteAsync(Digest digest, CancellationToken ct)
    {
        string key = Keys.Blob(digest);
        if (await HeadAsync(key, ct) is null) return false;
        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = key }, ct);
        return true;
    }

    public void Dispose()
    {
        _s3.Dispose();
        foreach (var gate in _commitLocks) gate.Dispose();
    }

    private async Task<Stream> OpenRangeAsync(string key, long length, long offset, long count, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, length);
        count = Math.Min(count, length - offset);
        if (count <= 0) return Stream.Null;
        var response = await _s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            ByteRange = new ByteRange(offset, offset + count - 1),
        }, ct);
        return new ObjectBodyStream(response, response.ResponseStream);
    }

    private async Task<Uri> PresignGetAsync(string key)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = _time.GetUtcNow().Add(_options.RedirectExpiry).UtcDateTime,
            Protocol = _options.Endpoint?.Scheme == "http" ? Protocol.HTTP : Protocol.HTTPS,
        };
        return new Uri(await _s3.GetPreSignedURLAsync(request));
    }

    /// <summary>The object's metadata, or null when there is no such object.</summary>
    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            return await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static bool IsMissing(AmazonS3Exception e) => e.StatusCode == HttpStatusCode.NotFound || e.ErrorCode is "NoSuchKey" or "NoSuchUpload";

    private static bool IsPreconditionFailed(AmazonS3Exception e) => e.StatusCode == HttpStatusCode.PreconditionFailed;

    /// <summary>Writes <paramref name="length"/> bytes of <paramref name="buffer"/> as one object.</summary>
    private Task PutAsync(string key, byte[] buffer, int length, IReadOnlyDictionary<string, string>? metadata, CancellationToken ct)
    {
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            // A MemoryStream over the buffer: seekable, so the SDK can sign it and resend it on a retry.
            InputStream = new MemoryStream(buffer, 0, length, writable: false),
            AutoCloseStream = true,
            ContentType = OctetStream,
            UseChunkEncoding = !_options.DisableChunkEncoding,
        };
        if (metadata is not null)
            foreach (var (name, value) in metadata) request.Metadata.Add(name, value);
        return _s3.PutObjectAsync(request, ct);
    }

    private SemaphoreSlim CommitLock(string key) => _commitLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_commitLocks.Length)];
}

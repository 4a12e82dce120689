using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Wharf.Core;

namespace Wharf.Storage.S3;

public sealed partial class S3BlobStore
{
    /// <remarks>
    /// An upload that never filled a part is one server-side copy of its tail (less than a part, so far below
    /// S3's 5 GB single-copy limit). Anything larger becomes a multipart upload at the content address whose
    /// parts are copied server-side from the part objects (UploadPartCopy), the tail last; the blob appears
    /// atomically when that completes, so it is whole and durable before the caller links it. The upload's
    /// objects go afterwards; a crash in between leaves only garbage that upload expiry removes.
    /// Two commits of one digest on this node are serialised, so exactly one reports Committed; on two
    /// replicas both may copy, which writes the same bytes twice and is harmless for content-addressed keys.
    /// </remarks>
    public async Task<CommitResult> CommitUploadAsync(string uploadId, Digest digest, CancellationToken ct)
    {
        string blob = Keys.Blob(digest);
        if (Keys.Upload(uploadId) is null) return CommitResult.UploadUnknown;
        var gate = CommitLock(blob);
        await gate.WaitAsync(ct);
        try
        {
            var state = await ReadStateAsync(uploadId, ct);
            if (state is null) return CommitResult.UploadUnknown;
            if (await HeadAsync(blob, ct) is not null)
            {
                await DeleteUploadObjectsAsync(state.Upload, ct);
                return CommitResult.AlreadyExists;
            }
            try
            {
                if (state.Parts == 0) await CopyTailAsync(state, blob, ct);
                else await AssembleAsync(state, blob, ct);
            }
            catch (AmazonS3Exception e) when (IsMissing(e) || IsPreconditionFailed(e))
            {
                return CommitResult.UploadUnknown; // expired or committed concurrently by another request
            }
            await DeleteUploadObjectsAsync(state.Upload, ct);
            return CommitResult.Committed;
        }
        finally
        {
            gate.Release();
        }
    }

    private Task CopyTailAsync(UploadState state, string blob, CancellationToken ct) =>
        _s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = _options.Bucket,
            SourceKey = S3Keys.Tail(state.Upload),
            ETagToMatch = state.ETag,
            DestinationBucket = _options.Bucket,
            DestinationKey = blob,
            // The tail's metadata is session state, not the blob's.
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = OctetStream,
        }, ct);

    private async Task AssembleAsync(UploadState state, string blob, CancellationToken ct)
    {
        var started = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = _options.Bucket,
            Key = blob,
            ContentType = OctetStream,
        }, ct);
        string multipartId = started.UploadId;
        try
        {
            int count = state.Parts + (state.TailLength > 0 ? 1 : 0);
            var etags = new PartETag[count];
            await Parallel.ForEachAsync(Enumerable.Range(1, count),
                new ParallelOptions { MaxDegreeOfParallelism = _options.CopyConcurrency, CancellationToken = ct },
                async (number, token) =>
                {
                    bool isTail = number > state.Parts;
                    var copied = await _s3.CopyPartAsync(new CopyPartRequest
                    {
                        SourceBucket = _options.Bucket,
                        SourceKey = isTail ? S3Keys.Tail(state.Upload) : S3Keys.Part(state.Upload, number),
                        ETagToMatch = isTail ? [state.ETag] : null,
                        DestinationBucket = _options.Bucket,
                        DestinationKey = blob,
                        UploadId = multipartId,
                        PartNumber = number,
                    }, token);
                    etags[number - 1] = new PartETag(number, copied.ETag);
                });

            // Every part must be there before completing, checked on every page of the list: a list cut at the
            // first 1000 parts is how registries came to complete truncated blobs (the "10 GB ceiling"). The ETags
            // come from the copies themselves: Swift's s3api lists copied parts with empty ETags.
            var listed = await ListPartNumbersAsync(blob, multipartId, ct);
            if (!listed.SequenceEqual(Enumerable.Range(1, count)))
                throw new IOException($"multipart upload of '{blob}' lists parts [{string.Join(',', listed)}], expected 1..{count}");
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = blob,
                UploadId = multipartId,
                PartETags = [.. etags],
            }, ct);
        }
        catch
        {
            await AbortQuietlyAsync(blob, multipartId);
            throw;
        }
    }

    private async Task<List<int>> ListPartNumbersAsync(string key, string multipartId, CancellationToken ct)
    {
        var numbers = new List<int>();
        var request = new ListPartsRequest { BucketName = _options.Bucket, Key = key, UploadId = multipartId, MaxParts = _options.ListPageSize };
        while (true)
        {
            var page = await _s3.ListPartsAsync(request, ct);
            numbers.AddRange((page.Parts ?? []).Select(part => part.PartNumber ?? 0));
            if (page.IsTruncated != true) break;
            if (page.NextPartNumberMarker is not { } next || next.ToString(System.Globalization.CultureInfo.InvariantCulture) == request.PartNumberMarker)
                throw new IOException($"ListParts of '{key}' is truncated but gives no next marker");
            request.PartNumberMarker = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return numbers;
    }

    private async Task AbortQuietlyAsync(string key, string multipartId)
    {
        try
        {
            // Not the request's token: a cancelled commit must still release what it started.
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = key, UploadId = multipartId }, timeout.Token);
        }
        catch (Exception e) when (e is AmazonServiceException or OperationCanceledException or HttpRequestException or IOException)
        {
            // A bucket lifecycle rule (AbortIncompleteMultipartUpload) removes what is left.
        }
    }
}

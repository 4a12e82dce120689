using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;

namespace Wharf.Storage.S3;

public sealed partial class S3BlobStore
{
    // The tail's metadata: how many full parts precede it and how many bytes they hold.
    private const string PartsMeta = "parts";
    private const string PartsSizeMeta = "parts-size";

    /// <summary>One upload session as its tail object says: the commit point of every append.</summary>
    private sealed record UploadState(string Upload, int Parts, long PartsSize, long TailLength, string ETag)
    {
        public long Size => PartsSize + TailLength;
    }

    public async Task CreateUploadAsync(string uploadId, CancellationToken ct)
    {
        string upload = Keys.Upload(uploadId) ?? throw new ArgumentException($"upload id '{uploadId}' is not a safe token", nameof(uploadId));
        await WriteTailAsync(upload, [], 0, 0, 0, ct);
    }

    public async Task<long?> GetUploadSizeAsync(string uploadId, CancellationToken ct) => (await ReadStateAsync(uploadId, ct))?.Size;

    /// <remarks>
    /// Bytes gather in one pooled buffer behind the tail's bytes; each time it holds a full part it is written as
    /// the next part object and then the tail is rewritten (empty, one more part): that second write is the
    /// commit point, so a crash or a failed request in between leaves the session as it was before the part, and
    /// the part object is simply written again by the next append. Part boundaries follow
    /// <see cref="S3BlobStoreOptions.PartSizeFor"/>, never the client's chunks. The leftover (less than a part)
    /// goes into the tail when the body ends, so another replica sees every acknowledged byte.
    /// </remarks>
    public async Task<long?> AppendUploadAsync(string uploadId, long offset, Stream data, Action<ReadOnlySpan<byte>>? observe, CancellationToken ct)
    {
        var state = await ReadStateAsync(uploadId, ct);
        if (state is null) return null;
        if (offset != state.Size)
            throw new ArgumentException($"append at offset {offset}, but upload '{uploadId}' holds {state.Size} bytes", nameof(offset));

        int filled = checked((int)state.TailLength), parts = state.Parts;
        long partsSize = state.PartsSize;
        // A tail longer than a part can only come from a replica with a larger PartSize; it becomes one larger part.
        int target = Math.Max(_options.PartSizeFor(parts + 1), filled + 1);
        byte[] buffer = _partBuffers.Rent(target);
        bool tailLoaded = filled == 0, dirty = false;
        // The tail write that commits a part needs no buffer, so the next part's bytes are received meanwhile;
        // it is awaited before anything else is written, so the commit points land in order.
        Task committing = Task.CompletedTask;
        try
        {
            int read;
            while ((read = await data.ReadAsync(buffer.AsMemory(filled, target - filled), ct)) > 0)
            {
                observe?.Invoke(buffer.AsSpan(filled, read));
                if (!tailLoaded)
                {
                    // Fetched only now that new bytes arrived: an empty append reads and writes nothing.
                    await ReadTailAsync(state, buffer, ct);
                    tailLoaded = true;
                }
                filled += read;
                dirty = true;
                if (filled < target) continue;

                await committing;
                await PutAsync(S3Keys.Part(state.Upload, parts + 1), buffer, filled, null, ct);
                parts++;
                partsSize += filled;
                committing = WriteTailAsync(state.Upload, [], 0, parts, partsSize, ct);
                filled = 0;
                dirty = false;
                target = _options.PartSizeFor(parts + 1);
                if (target > buffer.Length)
                {
                    _partBuffers.Return(buffer);
                    buffer = _partBuffers.Rent(target);
                }
            }
            await committing;
            if (dirty) await WriteTailAsync(state.Upload, buffer, filled, parts, partsSize, ct);
            return partsSize + filled;
        }
        finally
        {
            await committing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _partBuffers.Return(buffer);
        }
    }

    public async Task<Stream?> OpenUploadAsync(string uploadId, CancellationToken ct)
    {
        var state = await ReadStateAsync(uploadId, ct);
        if (state is null) return null;
        var sources = new List<Func<CancellationToken, Task<Stream>>>(state.Parts + 1);
        for (int part = 1; part <= state.Parts; part++)
        {
            string key = S3Keys.Part(state.Upload, part);
            sources.Add(token => GetBodyAsync(key, null, token));
        }
        if (state.TailLength > 0) sources.Add(token => GetBodyAsync(S3Keys.Tail(state.Upload), state.ETag, token));
        return new SequenceStream(sources);
    }

    public async Task<bool> DeleteUploadAsync(string uploadId, CancellationToken ct)
    {
        var state = await ReadStateAsync(uploadId, ct);
        if (state is null) return false;
        await DeleteUploadObjectsAsync(state.Upload, ct);
        return true;
    }

    private async Task<UploadState?> ReadStateAsync(string uploadId, CancellationToken ct)
    {
        string? upload = Keys.Upload(uploadId);
        if (upload is null) return null;
        var head = await HeadAsync(S3Keys.Tail(upload), ct);
        if (head is null) return null;
        int parts = 0;
        long partsSize = 0;
        foreach (string name in head.Metadata.Keys)
        {
            // Stores differ in how they spell metadata names back (x-amz-meta-parts, X-Amz-Meta-Parts).
            string bare = name.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? name["x-amz-meta-".Length..] : name;
            if (bare.Equals(PartsMeta, StringComparison.OrdinalIgnoreCase)) parts = int.Parse(head.Metadata[name], CultureInfo.InvariantCulture);
            else if (bare.Equals(PartsSizeMeta, StringComparison.OrdinalIgnoreCase)) partsSize = long.Parse(head.Metadata[name], CultureInfo.InvariantCulture);
        }
        return new UploadState(upload, parts, partsSize, head.ContentLength, head.ETag);
    }

    private Task WriteTailAsync(string upload, byte[] buffer, int length, int parts, long partsSize, CancellationToken ct) =>
        PutAsync(S3Keys.Tail(upload), buffer, length, new Dictionary<string, string>
        {
            [PartsMeta] = parts.ToString(CultureInfo.InvariantCulture),
            [PartsSizeMeta] = partsSize.ToString(CultureInfo.InvariantCulture),
        }, ct);

    /// <summary>Reads the tail's bytes into the start of <paramref name="buffer"/>, failing if another request changed it.</summary>
    private async Task ReadTailAsync(UploadState state, byte[] buffer, CancellationToken ct)
    {
        await using var body = await GetBodyAsync(S3Keys.Tail(state.Upload), state.ETag, ct);
        await body.ReadExactlyAsync(buffer.AsMemory(0, (int)state.TailLength), ct);
    }

    private async Task<Stream> GetBodyAsync(string key, string? etag, CancellationToken ct)
    {
        try
        {
            var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key, EtagToMatch = etag }, ct);
            return new ObjectBodyStream(response, response.ResponseStream);
        }
        catch (AmazonS3Exception e) when (IsPreconditionFailed(e) || IsMissing(e))
        {
            throw new IOException($"upload object '{key}' changed or vanished while it was read (a concurrent append, commit or expiry)", e);
        }
    }

    /// <summary>Removes an upload's objects, the tail last: while the tail exists the session does.</summary>
    private async Task DeleteUploadObjectsAsync(string upload, CancellationToken ct)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = upload + "parts/" };
        ListObjectsV2Response page;
        do
        {
            page = await _s3.ListObjectsV2Async(request, ct);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);

        // One DELETE per object rather than a multi-object delete: some stores insist on Content-MD5 there.
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (key, token) =>
            await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = key }, token));
        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = S3Keys.Tail(upload) }, ct);
    }
}

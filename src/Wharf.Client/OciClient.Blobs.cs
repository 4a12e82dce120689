using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Wharf.Core;

namespace Wharf.Client;

public sealed partial class OciClient
{
    private const int CopyBufferSize = 128 * 1024;

    private Uri BlobUrl(string repository, Digest digest) => Url($"v2/{repository}/blobs/{digest}");

    /// <summary>HEAD a blob: its size, or null when the repository cannot see it.</summary>
    public async Task<long?> HeadBlobAsync(string repository, Digest digest, CancellationToken ct = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, BlobUrl(repository, digest)), repository, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode)
            throw await RegistryException.FromResponseAsync(response, $"HEAD blob {repository}@{digest}", ct);
        return response.Content.Headers.ContentLength ?? -1;
    }

    /// <summary>A small blob (a config, an attachment) in memory, verified; refused when larger than <paramref name="max"/>.</summary>
    public async Task<byte[]> GetBlobBytesAsync(string repository, Descriptor descriptor, int max = 8 * 1024 * 1024, CancellationToken ct = default)
    {
        if (descriptor.Size > max)
            throw new RegistryException(HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID", $"blob {descriptor.Digest} is {descriptor.Size} bytes, over the {max}-byte limit for reading into memory");
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, BlobUrl(repository, descriptor.Digest)), repository, ct);
        if (!response.IsSuccessStatusCode)
            throw await RegistryException.FromResponseAsync(response, $"GET blob {repository}@{descriptor.Digest}", ct);
        byte[] bytes = await ReadBoundedAsync(response, max, $"blob {descriptor.Digest}", ct);
        if (!descriptor.Digest.Matches(bytes))
            throw new RegistryException(response.StatusCode, "DIGEST_INVALID", $"blob {repository}@{descriptor.Digest} arrived with content that does not match its digest");
        if (descriptor.Size >= 0 && bytes.Length != descriptor.Size)
            throw new RegistryException(response.StatusCode, "SIZE_INVALID", $"blob {descriptor.Digest} is {bytes.Length} bytes, the manifest says {descriptor.Size}");
        return bytes;
    }

    /// <summary>
    /// Downloads a blob into <paramref name="path"/>, through <c>path.partial</c>: an existing partial file is
    /// hashed and the rest requested with a Range, so an interrupted pull resumes. The digest and size are checked
    /// over every byte before the file gets its name; a mismatch deletes the partial file. Returns the bytes
    /// actually transferred.
    /// </summary>
    public async Task<long> DownloadBlobAsync(string repository, Descriptor descriptor, string path, Action<long>? progress = null, CancellationToken ct = default)
    {
        string partial = path + ".partial";
        using var hash = descriptor.Digest.CreateHash();
        long offset = 0;
        if (File.Exists(partial))
        {
            offset = await HashExistingAsync(partial, hash, descriptor.Size, ct);
            if (offset < 0)
            {
                File.Delete(partial);
                hash.GetHashAndReset();
                offset = 0;
            }
            progress?.Invoke(offset);
        }

        long transferred = 0;
        if (offset < descriptor.Size || (descriptor.Size == 0 && !File.Exists(partial)))
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, BlobUrl(repository, descriptor.Digest));
                if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
                return request;
            }, repository, ct);
            if (!response.IsSuccessStatusCode)
                throw await RegistryException.FromResponseAsync(response, $"GET blob {repository}@{descriptor.Digest}", ct);
            if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
            {
                // The registry ignored the Range: start over rather than append the whole blob to the partial file.
                hash.GetHashAndReset();
                progress?.Invoke(-offset);
                offset = 0;
            }
            await using var file = new FileStream(partial, offset == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            transferred = await CopyHashingAsync(body, file, hash, descriptor.Size - offset, progress, ct);
            await file.FlushAsync(ct);
            offset += transferred;
        }

        var actual = Digest.FromHash(descriptor.Digest.Algorithm, hash.GetHashAndReset());
        if (actual != descriptor.Digest || offset != descriptor.Size)
        {
            File.Delete(partial);
            throw new RegistryException(HttpStatusCode.OK, "DIGEST_INVALID",
                $"blob {repository}@{descriptor.Digest} arrived as {offset} bytes hashing to {actual} (expected {descriptor.Size} bytes)");
        }
        File.Move(partial, path, overwrite: true);
        return transferred;
    }

    /// <summary>Feeds an existing partial file to the hash; -1 when it is longer than the blob (not ours).</summary>
    private static async Task<long> HashExistingAsync(string partial, IncrementalHash hash, long size, CancellationToken ct)
    {
        await using var existing = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (existing.Length > size) return -1;
        return await BlobCopy.HashAsync(existing, hash, ct, CopyBufferSize);
    }

    /// <summary>Copies at most <paramref name="limit"/> bytes (one more is read to notice an over-long body).</summary>
    private static Task<long> CopyHashingAsync(Stream source, Stream destination, IncrementalHash hash, long limit, Action<long>? progress, CancellationToken ct)
    {
        long total = 0;
        return BlobCopy.CopyAsync(source, destination, chunk =>
        {
            total += chunk.Length;
            if (total > limit)
                throw new RegistryException(HttpStatusCode.OK, "SIZE_INVALID", $"the registry sent more than the {limit} bytes expected");
            hash.AppendData(chunk);
            // Counted as it is handed to the file: the file's write follows at once, and a failed write fails the pull.
            progress?.Invoke(chunk.Length);
        }, null, ct, CopyBufferSize);
    }
}

using System.Net;
using System.Net.Http.Headers;
using Wharf.Client.Transfer;
using Wharf.Core;

namespace Wharf.Client;

public enum BlobPushOutcome
{
    /// <summary>The repository already had it (HEAD): nothing sent.</summary>
    Existed,
    /// <summary>Mounted from another repository: nothing sent.</summary>
    Mounted,
    Uploaded,
}

/// <summary>What one blob push did: its outcome, the bytes sent, and the offset a resumed session started from.</summary>
public sealed record BlobPushResult(BlobPushOutcome Outcome, long BytesSent, long ResumedFrom);

/// <summary>
/// Remembers open upload sessions (blob digest → upload URL) across process runs, so a push that was killed asks
/// the registry where its session stands and sends only the rest.
/// </summary>
public interface IUploadJournal
{
    Uri? Find(Digest digest);
    void Save(Digest digest, Uri upload);
    void Remove(Digest digest);
}

public sealed partial class OciClient
{
    /// <summary>
    /// Pushes one blob: skipped when the repository has it; otherwise one POST + PUT when small, else a session
    /// of PATCH chunks with Content-Range. A failed chunk is resumed from the offset the registry reports (GET on
    /// the upload URL); an upload recorded in <paramref name="journal"/> by an earlier run is resumed the same way.
    /// </summary>
    public async Task<BlobPushResult> PushBlobAsync(string repository, Descriptor blob, UploadSource source, IUploadJournal? journal = null,
        Action<long>? progress = null, CancellationToken ct = default)
    {
        if (await HeadBlobAsync(repository, blob.Digest, ct) is not null)
        {
            journal?.Remove(blob.Digest);
            return new BlobPushResult(BlobPushOutcome.Existed, 0, 0);
        }

        long reported = 0;
        void Report(long n)
        {
            reported += n;
            progress?.Invoke(n);
        }
        void ReportAt(long offset) => Report(offset - reported);
        long bytesSent = 0;
        void Sent(long n)
        {
            bytesSent += n;
            Report(n);
        }

        Uri? upload = null;
        long offset = 0, resumedFrom = 0;
        if (journal?.Find(blob.Digest) is { } recorded && await RecordedOffsetAsync(repository, recorded, ct) is { } held && held <= blob.Size)
        {
            upload = recorded;
            offset = resumedFrom = held;
            ReportAt(offset);
        }
        if (upload is null && blob.Size <= Options.MonolithicLimit)
        {
            upload = await StartUploadAsync(repository, ct);
            await CompleteUploadAsync(repository, upload, blob, source, 0, blob.Size, Sent, ct);
            return new BlobPushResult(BlobPushOutcome.Uploaded, bytesSent, 0);
        }
        if (upload is null)
        {
            upload = await StartUploadAsync(repository, ct);
            journal?.Save(blob.Digest, upload);
        }

        int failures = 0;
        while (offset < blob.Size)
        {
            long count = Math.Min(Options.ChunkSize, blob.Size - offset);
            try
            {
                (upload, offset) = await PatchAsync(repository, upload, source, offset, count, Sent, ct);
                journal?.Save(blob.Digest, upload);
                ReportAt(offset);
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or RegistryException { Status: >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestedRangeNotSatisfiable }
                && !ct.IsCancellationRequested && ++failures <= Options.ChunkRetries)
            {
                // Where does the session stand? Continue from there, or start a new session if it is gone.
                await Task.Delay(TimeSpan.FromMilliseconds(200 * failures), Options.Time, ct);
                if (await UploadOffsetAsync(repository, upload, ct) is { } stands && stands <= blob.Size)
                {
                    offset = stands;
                }
                else
                {
                    upload = await StartUploadAsync(repository, ct);
                    journal?.Save(blob.Digest, upload);
                    offset = 0;
                }
                ReportAt(offset);
            }
        }
        await CompleteUploadAsync(repository, upload, blob, source, offset, 0, Sent, ct);
        journal?.Remove(blob.Digest);
        return new BlobPushResult(BlobPushOutcome.Uploaded, bytesSent, resumedFrom);
    }

    /// <summary>Where a session an earlier run recorded stands; null when it cannot be used (expired, refused).</summary>
    private async Task<long?> RecordedOffsetAsync(string repository, Uri recorded, CancellationToken ct)
    {
        try
        {
            return await UploadOffsetAsync(repository, recorded, ct);
        }
        catch (RegistryException)
        {
            // A session the registry no longer wants to talk about only costs a fresh upload.
            return null;
        }
    }

    /// <summary>POST /v2/NAME/blobs/uploads/: a new session's URL.</summary>
    public async Task<Uri> StartUploadAsync(string repository, CancellationToken ct = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Url($"v2/{repository}/blobs/uploads/")), repository, ct);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw await RegistryException.FromResponseAsync(response, $"start upload to {repository}", ct);
        return Resolve(response);
    }

    /// <summary>GET on an upload URL: how many bytes the session holds, or null when it is gone.</summary>
    public async Task<long?> UploadOffsetAsync(string repository, Uri upload, CancellationToken ct = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, upload), repository, ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone) return null;
        if (!response.IsSuccessStatusCode)
            throw await RegistryException.FromResponseAsync(response, $"upload status of {repository}", ct);
        return RangeEnd(response) ?? 0;
    }

    /// <summary>
    /// POST with mount/from: true when the registry linked the blob from <paramref name="fromRepository"/>. A
    /// registry that cannot mount opens a session instead; that session is cancelled.
    /// </summary>
    public async Task<bool> MountBlobAsync(string repository, Digest digest, string fromRepository, CancellationToken ct = default)
    {
        var url = Url($"v2/{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(fromRepository)}");
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, url), repository, ct);
        if (response.StatusCode == HttpStatusCode.Created) return true;
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            var session = Resolve(response);
            using var cancel = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, session), repository, ct);
            return false;
        }
        throw await RegistryException.FromResponseAsync(response, $"mount {digest} from {fromRepository} into {repository}", ct);
    }

    private async Task<(Uri Upload, long Offset)> PatchAsync(string repository, Uri upload, UploadSource source, long offset, long count,
        Action<long> progress, CancellationToken ct)
    {
        using var response = await SendAsync(() =>
        {
            var content = Body(source, offset, count, progress);
            content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + count - 1}");
            return new HttpRequestMessage(HttpMethod.Patch, upload) { Content = content };
        }, repository, ct);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw await RegistryException.FromResponseAsync(response, $"upload chunk {offset}-{offset + count - 1} to {repository}", ct);
        long stands = RangeEnd(response) ?? offset + count;
        return (response.Headers.Location is null ? upload : Resolve(response, upload), stands);
    }

    /// <summary>PUT ?digest=… with the bytes from <paramref name="offset"/> (none when <paramref name="count"/> is 0).</summary>
    private async Task CompleteUploadAsync(string repository, Uri upload, Descriptor blob, UploadSource source, long offset, long count,
        Action<long> progress, CancellationToken ct)
    {
        var url = new UriBuilder(upload);
        string digestQuery = "digest=" + Uri.EscapeDataString(blob.Digest.ToString());
        url.Query = string.IsNullOrEmpty(url.Query) ? digestQuery : url.Query.TrimStart('?') + "&" + digestQuery;
        using var response = await SendAsync(() =>
        {
            HttpContent content = count > 0 ? Body(source, offset, count, progress) : new ByteArrayContent([]);
            content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream);
            return new HttpRequestMessage(HttpMethod.Put, url.Uri) { Content = content };
        }, repository, ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw await RegistryException.FromResponseAsync(response, $"complete upload of {blob.Digest} to {repository}", ct);
    }

    private StreamContent Body(UploadSource source, long offset, long count, Action<long> progress)
    {
        var content = new StreamContent(new UploadStream(source.OpenAt(offset), count, progress, Throttle), CopyBufferSize);
        content.Headers.ContentLength = count;
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream);
        return content;
    }

    /// <summary>The byte count a <c>Range: 0-N</c> answer stands for (N+1); null without the header.</summary>
    private static long? RangeEnd(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Range", out var values)) return null;
        string text = values.First().Trim();
        if (text.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) text = text[6..];
        int dash = text.IndexOf('-');
        if (dash < 0 || !long.TryParse(text[(dash + 1)..], out long end)) return null;
        // "0-0" is what registries answer for an empty session too; re-sending one byte is the safe reading.
        return end == 0 ? 0 : end + 1;
    }
}

using Microsoft.AspNetCore.Http;
using Wharf.Core;

namespace Wharf.Server.Oci;

/// <summary>GET, HEAD and DELETE of a blob in a repository. A blob is visible only through its link.</summary>
internal static class BlobHandlers
{
    public static async Task GetAsync(HttpContext context, IServiceProvider services, string name, string reference)
    {
        if (!Digest.TryParse(reference, out var digest))
        {
            await OciHttp.WriteErrorAsync(context, OciErrors.DigestInvalid($"invalid digest '{reference}'"));
            return;
        }
        var ct = context.RequestAborted;
        // HEAD is answered from metadata alone: the link records the size.
        var metadata = services.Get<IMetadataStore>();
        var size = await metadata.GetLinkedBlobSizeAsync(name, digest, ct);
        if (size is null)
        {
            // Manifests are content too: clients that fetch an index's children through /blobs/ get them here.
            var manifest = await metadata.GetManifestAsync(name, digest, ct);
            if (manifest is null) await OciHttp.WriteErrorAsync(context, OciErrors.BlobUnknown(digest));
            else await WriteManifestAsBlobAsync(context, manifest);
            return;
        }
        var response = context.Response;
        response.Headers[OciHttp.ContentDigestHeader] = digest.ToString();
        response.Headers.ETag = $"\"{digest}\"";
        response.Headers.AcceptRanges = "bytes";
        response.Headers.CacheControl = "max-age=31536000";
        response.ContentType = MediaTypes.OctetStream;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            response.ContentLength = size;
            return;
        }

        var content = await services.Get<IBlobStore>().OpenAsync(digest, ct);
        if (content is null)
        {
            await OciHttp.WriteErrorAsync(context, OciErrors.BlobUnknown(digest));
            return;
        }
        if (content.RedirectUri is { } redirect)
        {
            // The object store serves the bytes (and any Range) itself; the link was checked above, and the URL
            // expires. 307 keeps the method, as the distribution spec allows for blob GETs.
            response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            response.Headers.Location = redirect.AbsoluteUri;
            response.ContentLength = 0;
            return;
        }
        var range = OciHttp.ResolveRange(context.Request.Headers.Range, content.Length, out bool satisfiable);
        if (!satisfiable)
        {
            response.Headers.ContentRange = $"bytes */{content.Length}";
            await OciHttp.WriteErrorAsync(context, OciErrorCode.RangeInvalid, "requested range not satisfiable", new { size = content.Length });
            return;
        }
        var (offset, count) = range ?? (0, content.Length);
        if (range is not null)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {offset}-{offset + count - 1}/{content.Length}";
        }
        response.ContentLength = count;
        if (content.PhysicalPath is not null)
        {
            await FileRangeSender.SendAsync(content.PhysicalPath, offset, count, response.BodyWriter, ct);
            return;
        }
        await using var stream = await content.OpenRange(offset, count, ct);
        await StreamCopy.CopyAsync(stream, response.Body, count, ct);
    }

    private static async Task WriteManifestAsBlobAsync(HttpContext context, ManifestRecord manifest)
    {
        var response = context.Response;
        response.Headers[OciHttp.ContentDigestHeader] = manifest.Digest.ToString();
        response.Headers.ETag = $"\"{manifest.Digest}\"";
        response.ContentType = manifest.MediaType;
        response.ContentLength = manifest.Size;
        if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(manifest.Content, context.RequestAborted);
    }

    public static async Task DeleteAsync(HttpContext context, IServiceProvider services, string name, string reference)
    {
        if (!Digest.TryParse(reference, out var digest))
        {
            await OciHttp.WriteErrorAsync(context, OciErrors.DigestInvalid($"invalid digest '{reference}'"));
            return;
        }
        // Unlinking hides the blob in this repository; its bytes stay for other repositories and GC.
        var outcome = await services.Get<IMetadataStore>().UnlinkBlobAsync(name, digest, context.RequestAborted);
        if (outcome == DeleteOutcome.NotFound)
        {
            await OciHttp.WriteErrorAsync(context, OciErrors.BlobUnknown(digest));
            return;
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }
}

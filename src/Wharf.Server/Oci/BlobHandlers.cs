using Microsoft.AspNetCore.Http;
using Wharf.Core;
using Wharf.Core.Registry;

namespace Wharf.Server.Oci;

/// <summary>GET, HEAD and DELETE of a blob: HTTP over <see cref="BlobService"/>, which holds the visibility rules.</summary>
internal static class BlobHandlers
{
    public static async Task GetAsync(OciRequest request)
    {
        var context = request.Context;
        var parsed = OciHttp.DigestReference(request.Reference);
        if (!parsed.Ok)
        {
            await OciHttp.WriteErrorAsync(context, parsed.Error);
            return;
        }
        var digest = parsed.Value;
        var blobs = request.Services.Get<BlobService>();
        var found = await blobs.FindAsync(request.Name, digest, request.Aborted);
        if (!found.Ok)
        {
            await OciHttp.WriteErrorAsync(context, found.Error);
            return;
        }
        var blob = found.Value;
        if (blob.Manifest is { } manifest)
        {
            await WriteManifestAsBlobAsync(context, manifest);
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
            response.ContentLength = blob.Size;
            return;
        }

        var opened = await blobs.OpenAsync(blob, request.Aborted);
        if (!opened.Ok)
        {
            await OciHttp.WriteErrorAsync(context, opened.Error);
            return;
        }
        await SendAsync(context, opened.Value);
    }

    public static async Task<RegistryChange?> DeleteAsync(OciRequest request)
    {
        var parsed = OciHttp.DigestReference(request.Reference);
        var error = parsed.Ok ? await request.Services.Get<BlobService>().UnlinkAsync(request.Name, parsed.Value, request.Aborted) : parsed.Error;
        if (error is not null)
        {
            await OciHttp.WriteErrorAsync(request.Context, error);
            return null;
        }
        request.Context.Response.StatusCode = StatusCodes.Status202Accepted;
        request.Context.Response.ContentLength = 0;
        return new RegistryChange(parsed.Value);
    }

    private static async Task SendAsync(HttpContext context, BlobContent content)
    {
        var response = context.Response;
        var ct = context.RequestAborted;
        if (content.RedirectUri is { } redirect)
        {
            // The object store serves the bytes (and any Range) itself; the link was checked already, and the URL
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
}

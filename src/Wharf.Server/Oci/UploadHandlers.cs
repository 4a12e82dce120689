using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Core.Registry;
using Wharf.Server.Auth;

namespace Wharf.Server.Oci;

/// <summary>Upload sessions: start (monolithic, mount or session), status, chunks, completion, cancel.</summary>
internal static class UploadHandlers
{
    public static async Task StartAsync(OciRequest request)
    {
        var (context, services, name) = (request.Context, request.Services, request.Name);
        var uploads = services.Get<UploadService>();
        var query = context.Request.Query;
        var ct = context.RequestAborted;

        if (query.TryGetValue("mount", out var mount))
        {
            if (!Digest.TryParse(mount, out var mountDigest))
            {
                await OciHttp.WriteErrorAsync(context, OciErrors.DigestInvalid($"invalid mount digest '{mount}'"));
                return;
            }
            string? from = query["from"];
            // Mounting needs pull on the source (push on the target was checked already); without it, a plain session.
            var mounted = from is null || !await services.Get<AccessGuard>().MayAsync(context, from, AccessAction.Pull)
                ? null : await uploads.MountAsync(name, from, mountDigest, ct);
            if (mounted is not null)
            {
                BlobCreated(context, name, mounted.Digest);
                return;
            }
            // Not mountable here: the spec asks for a plain upload session instead.
        }
        else if (query.TryGetValue("digest", out var digestText))
        {
            if (!Digest.TryParse(digestText, out var digest))
            {
                await OciHttp.WriteErrorAsync(context, OciErrors.DigestInvalid($"invalid digest '{digestText}'"));
                return;
            }
            using var slot = services.Get<UploadGate>().TryEnter();
            if (slot is null)
            {
                await WriteBusyAsync(context, services);
                return;
            }
            AllowLargeBody(context);
            var stored = await uploads.PutMonolithicAsync(name, digest, context.Request.Body, ct);
            if (!stored.Ok) await OciHttp.WriteErrorAsync(context, stored.Error);
            else BlobCreated(context, name, stored.Value.Digest);
            return;
        }

        var session = await uploads.StartAsync(name, ct);
        UploadAccepted(context, name, session.Id, 0);
    }

    public static async Task StatusAsync(OciRequest request)
    {
        var (context, services, name, id) = (request.Context, request.Services, request.Name, request.Reference);
        var status = await services.Get<UploadService>().StatusAsync(name, id, context.RequestAborted);
        if (!status.Ok)
        {
            await OciHttp.WriteErrorAsync(context, status.Error);
            return;
        }
        UploadAccepted(context, name, id, status.Value.Size, StatusCodes.Status204NoContent);
    }

    public static async Task PatchAsync(OciRequest request)
    {
        var (context, services, name, id) = (request.Context, request.Services, request.Name, request.Reference);
        var uploads = services.Get<UploadService>();
        var result = await ReceiveAsync(context, services, name, id,
            start => uploads.AppendAsync(name, id, start, context.Request.Body, context.RequestAborted));
        if (result is { } status) UploadAccepted(context, name, id, status.Size);
    }

    public static async Task PutAsync(OciRequest request)
    {
        var (context, services, name, id) = (request.Context, request.Services, request.Name, request.Reference);
        string? digestText = context.Request.Query["digest"];
        if (!Digest.TryParse(digestText, out var digest))
        {
            await OciHttp.WriteErrorAsync(context, OciErrors.DigestInvalid(digestText is null
                ? "the digest query parameter is required to complete an upload" : $"invalid digest '{digestText}'"));
            return;
        }
        var uploads = services.Get<UploadService>();
        var result = await ReceiveAsync(context, services, name, id,
            start => uploads.CompleteAsync(name, id, digest, start, context.Request.Body, context.RequestAborted));
        if (result is not null) BlobCreated(context, name, digest);
    }

    /// <summary>
    /// The part of PATCH and PUT that receives bytes: check the chunk's Content-Range, take an upload slot, lift
    /// the body limit, stream. Null when the request has already been answered with an error.
    /// </summary>
    private static async Task<T?> ReceiveAsync<T>(HttpContext context, IServiceProvider services, string name, string id,
        Func<long?, Task<Result<T>>> receive) where T : class
    {
        if (!OciHttp.TryParseContentRange(context.Request.Headers.ContentRange, context.Request.ContentLength, out var range))
        {
            await OciHttp.WriteErrorAsync(context, OciErrorCode.RangeInvalid, "invalid Content-Range");
            return null;
        }
        using var slot = services.Get<UploadGate>().TryEnter();
        if (slot is null)
        {
            await WriteBusyAsync(context, services);
            return null;
        }
        AllowLargeBody(context);
        var result = await receive(range?.Start);
        if (result.Ok) return result.Value;
        await WriteUploadErrorAsync(context, services, name, id, result.Error);
        return null;
    }

    public static async Task CancelAsync(OciRequest request)
    {
        var (context, services, name, id) = (request.Context, request.Services, request.Name, request.Reference);
        if (!await services.Get<UploadService>().CancelAsync(name, id, context.RequestAborted))
        {
            await OciHttp.WriteErrorAsync(context, OciErrors.UploadUnknown());
            return;
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>A 416 tells the client where the session really stands, so it can resume from there.</summary>
    private static async Task WriteUploadErrorAsync(HttpContext context, IServiceProvider services, string name, string id, OciError error)
    {
        if (error.Code == OciErrorCode.RangeInvalid)
        {
            var status = await services.Get<UploadService>().StatusAsync(name, id, CancellationToken.None);
            if (status.Ok)
            {
                context.Response.Headers.Location = UploadLocation(name, id);
                context.Response.Headers.Range = OciHttp.UploadRange(status.Value.Size);
                context.Response.Headers[OciHttp.UploadUuidHeader] = id;
            }
        }
        await OciHttp.WriteErrorAsync(context, error);
    }

    private static Task WriteBusyAsync(HttpContext context, IServiceProvider services)
    {
        context.Response.Headers.RetryAfter = "1";
        int limit = services.Get<UploadGate>().Limit;
        return OciHttp.WriteErrorAsync(context, OciErrorCode.TooManyRequests,
            $"this registry node is receiving its limit of {limit} uploads; retry shortly", new { limit });
    }

    private static void UploadAccepted(HttpContext context, string name, string id, long size, int status = StatusCodes.Status202Accepted)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.Location = UploadLocation(name, id);
        response.Headers.Range = OciHttp.UploadRange(size);
        response.Headers[OciHttp.UploadUuidHeader] = id;
        response.ContentLength = 0;
    }

    private static void BlobCreated(HttpContext context, string name, Digest digest)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        response.Headers[OciHttp.ContentDigestHeader] = digest.ToString();
        response.ContentLength = 0;
    }

    private static string UploadLocation(string name, string id) => $"/v2/{name}/blobs/uploads/{id}";

    /// <summary>Blob bodies are bounded by Limits:MaxBlobBytes (checked while streaming), not Kestrel's small default.</summary>
    private static void AllowLargeBody(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = null;
    }
}

using System.Buffers;
using Microsoft.AspNetCore.Http;
using Wharf.Core;
using Wharf.Core.Registry;
using Wharf.Server.Auth;

namespace Wharf.Server.Oci;

/// <summary>GET, HEAD, PUT and DELETE of manifests by tag or digest.</summary>
internal static class ManifestHandlers
{
    public static async Task GetAsync(HttpContext context, IServiceProvider services, string name, string reference)
    {
        if (!ManifestReference.TryParse(reference, out var parsed))
        {
            await WriteBadReferenceAsync(context, reference, OciErrorCode.ManifestUnknown);
            return;
        }
        var resolved = await services.Get<ManifestService>().GetAsync(name, parsed, context.RequestAborted);
        if (resolved is null)
        {
            await OciHttp.WriteErrorAsync(context, OciErrors.ManifestUnknown(reference));
            return;
        }
        var manifest = resolved.Manifest;
        if (!parsed.IsDigest && !Acceptable(context.Request.Headers.Accept, manifest.MediaType))
        {
            await OciHttp.WriteErrorAsync(context, OciErrorCode.ManifestUnknown,
                $"manifest is a {manifest.MediaType}, which the Accept header does not allow", new { reference });
            return;
        }
        var response = context.Response;
        response.ContentType = manifest.MediaType;
        response.ContentLength = manifest.Size;
        response.Headers[OciHttp.ContentDigestHeader] = manifest.Digest.ToString();
        response.Headers.ETag = $"\"{manifest.Digest}\"";
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(manifest.Content, context.RequestAborted);
    }

    public static async Task PutAsync(HttpContext context, IServiceProvider services, string name, string reference)
    {
        if (!ManifestReference.TryParse(reference, out var parsed))
        {
            await WriteBadReferenceAsync(context, reference, OciErrorCode.TagInvalid);
            return;
        }
        var manifests = services.Get<ManifestService>();
        var ct = context.RequestAborted;
        var body = await ReadBoundedAsync(context.Request, manifests.MaxBytes, ct);
        if (body is null)
        {
            await OciHttp.WriteErrorAsync(context, OciErrorCode.ManifestTooLarge,
                $"manifest exceeds the registry's limit of {manifests.MaxBytes} bytes", new { limit = manifests.MaxBytes });
            return;
        }
        var stored = await manifests.PutAsync(name, parsed, body, context.Request.ContentType, await ActorAsync(context, services), ct);
        if (!stored.Ok)
        {
            await OciHttp.WriteErrorAsync(context, stored.Error);
            return;
        }
        var manifest = stored.Value;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/manifests/{manifest.Digest}";
        response.Headers[OciHttp.ContentDigestHeader] = manifest.Digest.ToString();
        if (manifest.Subject is { } subject) response.Headers["OCI-Subject"] = subject.ToString();
        response.ContentLength = 0;
    }

    public static async Task DeleteAsync(HttpContext context, IServiceProvider services, string name, string reference)
    {
        if (!ManifestReference.TryParse(reference, out var parsed))
        {
            await WriteBadReferenceAsync(context, reference, OciErrorCode.ManifestUnknown);
            return;
        }
        var actor = await ActorAsync(context, services);
        if (await services.Get<ManifestService>().DeleteAsync(name, parsed, actor, context.RequestAborted) is { } error)
        {
            await OciHttp.WriteErrorAsync(context, error);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }

    /// <summary>Who tag history names for a move or delete: the caller as the audit log names them.</summary>
    private static async Task<string> ActorAsync(HttpContext context, IServiceProvider services) =>
        (await services.Get<AccessGuard>().PrincipalAsync(context)).Subject;

    /// <summary>A reference with a colon is a digest and gets DIGEST_INVALID; anything else is a bad tag.</summary>
    private static Task WriteBadReferenceAsync(HttpContext context, string reference, OciErrorCode tagError) =>
        reference.Contains(':')
            ? OciHttp.WriteErrorAsync(context, OciErrors.DigestInvalid($"invalid digest '{reference}'"))
            : OciHttp.WriteErrorAsync(context, tagError, $"invalid tag '{reference}'", new { reference });

    /// <summary>
    /// Content negotiation, as clients rely on it: refuse only when Accept names manifest types and not this
    /// one. No Accept, wildcards, or a generic list accept everything.
    /// </summary>
    private static bool Acceptable(Microsoft.Extensions.Primitives.StringValues accept, string mediaType)
    {
        bool namesManifests = false;
        foreach (var header in accept)
        {
            foreach (var part in (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var type = ManifestParser.NormalizeContentType(part);
                if (type is null) continue;
                if (type == mediaType || type == "*/*") return true;
                if (MediaTypes.Manifests.Contains(type)) namesManifests = true;
            }
        }
        return !namesManifests;
    }

    /// <summary>Reads a manifest body, refusing (null) anything over <paramref name="max"/> bytes without reading it all.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max) return null;
        var writer = new ArrayBufferWriter<byte>((int)Math.Max(request.ContentLength ?? 4096, 256));
        while (true)
        {
            var memory = writer.GetMemory(8192);
            int read = await request.Body.ReadAsync(memory, ct);
            if (read == 0) break;
            writer.Advance(read);
            if (writer.WrittenCount > max) return null;
        }
        return writer.WrittenSpan.ToArray();
    }
}

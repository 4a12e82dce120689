using Microsoft.AspNetCore.Http;
using Wharf.Core;
using Wharf.Core.Registry;
using Wharf.Server.Auth;
using Wharf.Server.Http;

namespace Wharf.Server.Oci;

/// <summary>GET, HEAD, PUT and DELETE of manifests by tag or digest.</summary>
internal static class ManifestHandlers
{
    public static async Task GetAsync(OciRequest request)
    {
        var (context, services, name, reference) = (request.Context, request.Services, request.Name, request.Reference);
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

    public static async Task<RegistryChange?> PutAsync(OciRequest request)
    {
        var (context, services, name, reference) = (request.Context, request.Services, request.Name, request.Reference);
        if (!ManifestReference.TryParse(reference, out var parsed))
        {
            await WriteBadReferenceAsync(context, reference, OciErrorCode.TagInvalid);
            return null;
        }
        var manifests = services.Get<ManifestService>();
        var ct = context.RequestAborted;
        var body = await BoundedBody.ReadAsync(context.Request, manifests.MaxBytes, ct);
        if (body is null)
        {
            await OciHttp.WriteErrorAsync(context, OciErrorCode.ManifestTooLarge,
                $"manifest exceeds the registry's limit of {manifests.MaxBytes} bytes", new { limit = manifests.MaxBytes });
            return null;
        }
        var stored = await manifests.PushAsync(name, parsed, body, context.Request.ContentType, await ActorAsync(context, services), ct);
        if (!stored.Ok)
        {
            await OciHttp.WriteErrorAsync(context, stored.Error);
            return null;
        }
        var manifest = stored.Value.Manifest;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/manifests/{manifest.Digest}";
        response.Headers[OciHttp.ContentDigestHeader] = manifest.Digest.ToString();
        if (manifest.Subject is { } subject) response.Headers["OCI-Subject"] = subject.ToString();
        response.ContentLength = 0;
        return new RegistryChange(manifest.Digest, stored.Value.PreviousTagTarget);
    }

    public static async Task<RegistryChange?> DeleteAsync(OciRequest request)
    {
        var (context, services, name, reference) = (request.Context, request.Services, request.Name, request.Reference);
        if (!ManifestReference.TryParse(reference, out var parsed))
        {
            await WriteBadReferenceAsync(context, reference, OciErrorCode.ManifestUnknown);
            return null;
        }
        var actor = await ActorAsync(context, services);
        if (await services.Get<ManifestService>().DeleteAsync(name, parsed, actor, context.RequestAborted) is { } error)
        {
            await OciHttp.WriteErrorAsync(context, error);
            return null;
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
        return new RegistryChange(parsed.Digest);
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
}

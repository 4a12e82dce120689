using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Server.Oci;

namespace Wharf.Server.Auth;

/// <summary>
/// Audit rows for the /v2 requests that change what a repository holds: manifest pushes (and the tag moves
/// they cause), manifest and blob deletes, and refused attempts at them.
/// </summary>
internal static class RegistryAudit
{
    public static bool Audits(OciEndpoint endpoint, string method) =>
        (endpoint, method) is (OciEndpoint.Manifest, "PUT" or "DELETE") or (OciEndpoint.Blob, "DELETE");

    public static async Task DeniedAsync(HttpContext context, OciRoute route, string method)
    {
        var audit = context.RequestServices.GetRequiredService<AuditLog>();
        var principal = await context.RequestServices.GetRequiredService<AccessGuard>().PrincipalAsync(context);
        await audit.RecordAsync(context, principal.Subject, Action(method), route.Name, DigestOf(route.Reference), Detail(route), allowed: false);
    }

    /// <summary>Runs <paramref name="handle"/> and records what it did when it succeeded.</summary>
    public static async Task RunAsync(HttpContext context, OciRoute route, string method, Func<Task> handle)
    {
        var services = context.RequestServices;
        bool byTag = route.Endpoint == OciEndpoint.Manifest && Reference.IsValidTag(route.Reference) && !route.Reference.Contains(':');
        Digest? before = method == "PUT" && byTag
            ? await services.GetRequiredService<IMetadataStore>().ResolveTagAsync(route.Name, route.Reference, context.RequestAborted)
            : null;
        await handle();
        if (context.Response.StatusCode is < 200 or >= 300) return;

        var audit = services.GetRequiredService<AuditLog>();
        var subject = (await services.GetRequiredService<AccessGuard>().PrincipalAsync(context)).Subject;
        string? digest = method == "PUT" ? context.Response.Headers[OciHttp.ContentDigestHeader].FirstOrDefault() : DigestOf(route.Reference);
        await audit.RecordAsync(context, subject, Action(method), route.Name, digest, Detail(route), allowed: true);
        if (before is { } old && digest is not null && old.ToString() != digest)
            await audit.RecordAsync(context, subject, AuditActions.TagMove, route.Name, digest, $"{route.Reference}: {old} -> {digest}", allowed: true);
    }

    private static string Action(string method) => method == "PUT" ? AuditActions.Push : AuditActions.Delete;

    private static string? DigestOf(string reference) => Digest.TryParse(reference, out var digest) ? digest.ToString() : null;

    private static string Detail(OciRoute route) => route.Endpoint switch
    {
        OciEndpoint.Blob => "blob",
        _ when route.Reference.Contains(':') => "manifest",
        _ => "manifest tag " + route.Reference,
    };
}

using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Server.Oci;

namespace Wharf.Server.Auth;

/// <summary>
/// Audit rows for the /v2 rows marked audited (manifest pushes and the tag moves they cause, manifest and blob
/// deletes) and refused attempts at them. Everything recorded comes from the row, the route and the change the
/// handler returned: the audit neither reads the store nor the response.
/// </summary>
internal static class RegistryAudit
{
    public static async Task DeniedAsync(OciRequest request, OciOperation row)
    {
        var subject = await SubjectAsync(request);
        await Log(request).RecordAsync(request.Context, subject, row.AuditAction!, request.Name, DigestOf(request.Reference), Detail(request.Route),
            allowed: false);
    }

    public static async Task ChangedAsync(OciRequest request, OciOperation row, RegistryChange change)
    {
        var subject = await SubjectAsync(request);
        var audit = Log(request);
        string? digest = change.Digest?.ToString();
        await audit.RecordAsync(request.Context, subject, row.AuditAction!, request.Name, digest, Detail(request.Route), allowed: true);
        if (change.PreviousTagTarget is { } old && digest is not null && old.ToString() != digest)
            await audit.RecordAsync(request.Context, subject, AuditActions.TagMove, request.Name, digest,
                $"{request.Reference}: {old} -> {digest}", allowed: true);
    }

    private static AuditLog Log(OciRequest request) => request.Services.Get<AuditLog>();

    private static async Task<string> SubjectAsync(OciRequest request) =>
        (await request.Services.Get<AccessGuard>().PrincipalAsync(request.Context)).Subject;

    private static string? DigestOf(string reference) => Digest.TryParse(reference, out var digest) ? digest.ToString() : null;

    private static string Detail(OciRoute route) => route.Endpoint switch
    {
        OciEndpoint.Blob => "blob",
        _ when route.Reference.Contains(':') => "manifest",
        _ => "manifest tag " + route.Reference,
    };
}

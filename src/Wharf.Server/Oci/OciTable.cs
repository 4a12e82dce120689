using System.Collections.Frozen;
using Wharf.Core;
using Wharf.Core.Access;

namespace Wharf.Server.Oci;

/// <summary>
/// The /v2 surface as data: one row per endpoint and method (paths are matched by <see cref="OciRoute"/>). The
/// dispatcher, the access check and the audit all read the row, so a new endpoint is one row and one handler.
/// </summary>
internal static class OciTable
{
    /// <summary>The method of a row that answers every method its endpoint has no row for.</summary>
    public const string AnyOtherMethod = "*";

    private static readonly OciOperation[] Rows =
    [
        Serve(OciEndpoint.Base, "GET", OciAccess.SignedIn, BaseHandler.GetAsync),
        Serve(OciEndpoint.Base, "HEAD", OciAccess.SignedIn, BaseHandler.GetAsync),
        Serve(OciEndpoint.Base, AnyOtherMethod, OciAccess.SignedIn, UnsupportedAsync),

        Serve(OciEndpoint.Catalog, "GET", OciAccess.Catalog, ListingHandlers.CatalogAsync),
        Serve(OciEndpoint.Catalog, AnyOtherMethod, OciAccess.Catalog, UnsupportedAsync),

        Serve(OciEndpoint.TagsList, "GET", OciAccess.Pull, ListingHandlers.TagsAsync),
        // Checked as the pull it reads like, then refused: a caller without pull learns nothing from the 405.
        Serve(OciEndpoint.TagsList, "HEAD", OciAccess.Pull, UnsupportedAsync),
        Serve(OciEndpoint.Referrers, "GET", OciAccess.Pull, ListingHandlers.ReferrersAsync),
        Serve(OciEndpoint.Referrers, "HEAD", OciAccess.Pull, UnsupportedAsync),

        Serve(OciEndpoint.Blob, "GET", OciAccess.Pull, BlobHandlers.GetAsync),
        Serve(OciEndpoint.Blob, "HEAD", OciAccess.Pull, BlobHandlers.GetAsync),
        Audited(OciEndpoint.Blob, "DELETE", OciAccess.Delete, AuditActions.Delete, BlobHandlers.DeleteAsync),

        Serve(OciEndpoint.UploadStart, "POST", OciAccess.Push, UploadHandlers.StartAsync),
        Serve(OciEndpoint.UploadStart, AnyOtherMethod, OciAccess.Push, UnsupportedAsync),
        Serve(OciEndpoint.Upload, "GET", OciAccess.Push, UploadHandlers.StatusAsync),
        Serve(OciEndpoint.Upload, "PATCH", OciAccess.Push, UploadHandlers.PatchAsync),
        Serve(OciEndpoint.Upload, "PUT", OciAccess.Push, UploadHandlers.PutAsync),
        Serve(OciEndpoint.Upload, "DELETE", OciAccess.Push, UploadHandlers.CancelAsync),
        Serve(OciEndpoint.Upload, AnyOtherMethod, OciAccess.Push, UnsupportedAsync),

        Serve(OciEndpoint.Manifest, "GET", OciAccess.Pull, ManifestHandlers.GetAsync),
        Serve(OciEndpoint.Manifest, "HEAD", OciAccess.Pull, ManifestHandlers.GetAsync),
        Audited(OciEndpoint.Manifest, "PUT", OciAccess.Push, AuditActions.Push, ManifestHandlers.PutAsync),
        Audited(OciEndpoint.Manifest, "DELETE", OciAccess.Delete, AuditActions.Delete, ManifestHandlers.DeleteAsync),
    ];

    private static readonly FrozenDictionary<(OciEndpoint, string), OciOperation> ByEndpointAndMethod =
        Rows.ToFrozenDictionary(row => (row.Endpoint, row.Method));

    /// <summary>The row for a request; a method with no row of its own gets a 405 without an access check.</summary>
    public static OciOperation Find(OciEndpoint endpoint, string method) =>
        ByEndpointAndMethod.GetValueOrDefault((endpoint, method))
        ?? ByEndpointAndMethod.GetValueOrDefault((endpoint, AnyOtherMethod))
        ?? Serve(endpoint, method, OciAccess.Open, UnsupportedAsync);

    private static OciOperation Serve(OciEndpoint endpoint, string method, OciAccess access, Func<OciRequest, Task> handle) =>
        new(endpoint, method, access, null, async request =>
        {
            await handle(request);
            return null;
        });

    private static OciOperation Audited(OciEndpoint endpoint, string method, OciAccess access, string auditAction,
        Func<OciRequest, Task<RegistryChange?>> handle) =>
        new(endpoint, method, access, auditAction, handle);

    private static Task UnsupportedAsync(OciRequest request) =>
        OciHttp.WriteErrorAsync(request.Context, OciErrorCode.Unsupported, $"{request.Context.Request.Method} is not supported on this endpoint");
}

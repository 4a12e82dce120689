using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Server.Auth;
using Wharf.Server.Http;

namespace Wharf.Server.Oci;

/// <summary>
/// The /v2 dispatcher: the path grammar (<see cref="OciRoute"/>) names the endpoint, the table
/// (<see cref="OciTable"/>) gives the row for it and the method, and the row says which access to check, whether
/// to audit, and which handler answers.
/// </summary>
public static class OciEndpoints
{
    /// <summary>Each endpoint's path template, for metrics and logs (<see cref="RouteTemplate"/>).</summary>
    private static readonly Dictionary<OciEndpoint, string> Templates = new()
    {
        [OciEndpoint.Base] = "/v2/",
        [OciEndpoint.Catalog] = "/v2/_catalog",
        [OciEndpoint.TagsList] = "/v2/{name}/tags/list",
        [OciEndpoint.Manifest] = "/v2/{name}/manifests/{reference}",
        [OciEndpoint.Blob] = "/v2/{name}/blobs/{digest}",
        [OciEndpoint.UploadStart] = "/v2/{name}/blobs/uploads/",
        [OciEndpoint.Upload] = "/v2/{name}/blobs/uploads/{reference}",
        [OciEndpoint.Referrers] = "/v2/{name}/referrers/{digest}",
    };

    public static void MapOci(this WebApplication app)
    {
        app.Map("/v2", branch => branch.Run(DispatchAsync));
    }

    private static async Task DispatchAsync(HttpContext context)
    {
        context.Response.Headers[OciHttp.ApiVersionHeader] = "registry/2.0";
        var path = context.Request.Path.Value ?? "";
        if (path.StartsWith('/')) path = path[1..];
        // "/v2" and "/v2/" are both the base endpoint.
        if (!OciRoute.TryMatch(path, out var route))
        {
            await OciHttp.WriteErrorAsync(context, OciErrorCode.NameUnknown, "no such endpoint", new { path = "/v2/" + path });
            return;
        }
        if (route.Endpoint is not (OciEndpoint.Base or OciEndpoint.Catalog) && !Reference.IsValidName(route.Name))
        {
            await OciHttp.WriteErrorAsync(context, OciErrors.NameInvalid(route.Name));
            return;
        }

        RouteTemplate.Set(context, Templates[route.Endpoint]);
        var row = OciTable.Find(route.Endpoint, context.Request.Method);
        var request = new OciRequest(context, route);
        if (!await AuthorizeAsync(request, row.Access))
        {
            if (row.Audited) await RegistryAudit.DeniedAsync(request, row);
            return;
        }
        var change = await row.Handle(request);
        if (row.Audited && change is not null) await RegistryAudit.ChangedAsync(request, row, change);
    }

    private static Task<bool> AuthorizeAsync(OciRequest request, OciAccess access)
    {
        var guard = request.Services.Get<AccessGuard>();
        return access.Gate switch
        {
            OciGate.Open => Task.FromResult(true),
            OciGate.SignedIn => guard.AuthorizeSignedInAsync(request.Context, null),
            OciGate.Catalog => guard.AuthorizeSignedInAsync(request.Context, AccessScope.Catalog),
            _ => guard.AuthorizeAsync(request.Context, request.Name, access.Action),
        };
    }

    internal static T Get<T>(this IServiceProvider services) where T : notnull => services.GetRequiredService<T>();
}

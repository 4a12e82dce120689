using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Server.Auth;

namespace Wharf.Server.Oci;

/// <summary>
/// The /v2 surface. One dispatcher reads the route table (<see cref="OciRoute"/>) and the method, checks the
/// name, and hands over to a short handler per endpoint.
/// </summary>
public static class OciEndpoints
{
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

        var method = context.Request.Method;
        bool audited = RegistryAudit.Audits(route.Endpoint, method);
        if (!await AuthorizeAsync(context, route, method))
        {
            if (audited) await RegistryAudit.DeniedAsync(context, route, method);
            return;
        }
        if (audited) await RegistryAudit.RunAsync(context, route, method, () => HandleAsync(context, route, method));
        else await HandleAsync(context, route, method);
    }

    /// <summary>Every endpoint checks the access it needs before its handler runs; see <see cref="AccessGuard"/>.</summary>
    private static Task<bool> AuthorizeAsync(HttpContext context, OciRoute route, string method)
    {
        var guard = context.RequestServices.Get<AccessGuard>();
        var action = (route.Endpoint, method) switch
        {
            (OciEndpoint.Base or OciEndpoint.Catalog, _) => AccessAction.None,
            (OciEndpoint.TagsList or OciEndpoint.Referrers or OciEndpoint.Blob or OciEndpoint.Manifest, "GET" or "HEAD") => AccessAction.Pull,
            (OciEndpoint.Blob or OciEndpoint.Manifest, "DELETE") => AccessAction.Delete,
            (OciEndpoint.Manifest, "PUT") or (OciEndpoint.UploadStart or OciEndpoint.Upload, _) => AccessAction.Push,
            _ => AccessAction.None,
        };
        return route.Endpoint switch
        {
            OciEndpoint.Base => guard.AuthorizeSignedInAsync(context, null),
            OciEndpoint.Catalog => guard.AuthorizeSignedInAsync(context, AccessScope.Catalog),
            // A method no endpoint has gets its 405 without asking who is calling.
            _ when action == AccessAction.None => Task.FromResult(true),
            _ => guard.AuthorizeAsync(context, route.Name, action),
        };
    }

    private static Task HandleAsync(HttpContext context, OciRoute route, string method)
    {
        var services = context.RequestServices;
        return (route.Endpoint, method) switch
        {
            (OciEndpoint.Base, "GET" or "HEAD") => BaseAsync(context),
            (OciEndpoint.Catalog, "GET") => ListingHandlers.CatalogAsync(context, services),
            (OciEndpoint.TagsList, "GET") => ListingHandlers.TagsAsync(context, services, route.Name),
            (OciEndpoint.Referrers, "GET") => ListingHandlers.ReferrersAsync(context, services, route.Name, route.Reference),
            (OciEndpoint.Blob, "GET" or "HEAD") => BlobHandlers.GetAsync(context, services, route.Name, route.Reference),
            (OciEndpoint.Blob, "DELETE") => BlobHandlers.DeleteAsync(context, services, route.Name, route.Reference),
            (OciEndpoint.UploadStart, "POST") => UploadHandlers.StartAsync(context, services, route.Name),
            (OciEndpoint.Upload, "GET") => UploadHandlers.StatusAsync(context, services, route.Name, route.Reference),
            (OciEndpoint.Upload, "PATCH") => UploadHandlers.PatchAsync(context, services, route.Name, route.Reference),
            (OciEndpoint.Upload, "PUT") => UploadHandlers.PutAsync(context, services, route.Name, route.Reference),
            (OciEndpoint.Upload, "DELETE") => UploadHandlers.CancelAsync(context, services, route.Name, route.Reference),
            (OciEndpoint.Manifest, "GET" or "HEAD") => ManifestHandlers.GetAsync(context, services, route.Name, route.Reference),
            (OciEndpoint.Manifest, "PUT") => ManifestHandlers.PutAsync(context, services, route.Name, route.Reference),
            (OciEndpoint.Manifest, "DELETE") => ManifestHandlers.DeleteAsync(context, services, route.Name, route.Reference),
            _ => OciHttp.WriteErrorAsync(context, OciErrorCode.Unsupported, $"{method} is not supported on this endpoint"),
        };
    }

    private static Task BaseAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = 2;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync("{}");
    }

    internal static T Get<T>(this IServiceProvider services) where T : notnull => services.GetRequiredService<T>();
}

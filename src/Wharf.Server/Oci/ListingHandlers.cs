using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Core.Registry;
using Wharf.Server.Auth;

namespace Wharf.Server.Oci;

/// <summary>Tags list, catalog and referrers: HTTP over <see cref="ListingService"/> and <see cref="ManifestService"/>.</summary>
internal static class ListingHandlers
{
    public static async Task TagsAsync(OciRequest request)
    {
        var context = request.Context;
        var page = Page(context);
        var listed = page.Ok ? await request.Services.Get<ListingService>().TagsAsync(request.Name, page.Value, request.Aborted) : page.Error;
        if (!listed.Ok)
        {
            await OciHttp.WriteErrorAsync(context, listed.Error);
            return;
        }
        var tags = listed.Value;
        if (tags.More) context.Response.Headers.Link = NextLink($"/v2/{request.Name}/tags/list", page.Value.Size, tags.Names[^1]);
        await WriteJsonAsync(context, new TagList(request.Name, tags.Names), OciJson.Default.TagList);
    }

    public static async Task CatalogAsync(OciRequest request)
    {
        var context = request.Context;
        var page = Page(context);
        if (!page.Ok)
        {
            await OciHttp.WriteErrorAsync(context, page.Error);
            return;
        }
        var guard = request.Services.Get<AccessGuard>();
        var names = await request.Services.Get<ListingService>().CatalogAsync(page.Value,
            name => guard.MayAsync(context, name, AccessAction.Pull), request.Aborted);
        if (names.More) context.Response.Headers.Link = NextLink("/v2/_catalog", page.Value.Size, names.Names[^1]);
        await WriteJsonAsync(context, new Catalog(names.Names), OciJson.Default.Catalog);
    }

    public static async Task ReferrersAsync(OciRequest request)
    {
        var context = request.Context;
        var subject = OciHttp.DigestReference(request.Reference);
        if (!subject.Ok)
        {
            await OciHttp.WriteErrorAsync(context, subject.Error);
            return;
        }
        string? artifactType = context.Request.Query["artifactType"];
        if (string.IsNullOrEmpty(artifactType)) artifactType = null;
        var body = await request.Services.Get<ManifestService>().ReferrersIndexAsync(request.Name, subject.Value, artifactType, request.Aborted);
        if (artifactType is not null) context.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        context.Response.ContentType = MediaTypes.OciIndex;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, request.Aborted);
    }

    private static Result<ListingPage> Page(HttpContext context) =>
        ListingPage.Parse(context.Request.Query["n"], context.Request.Query["last"]);

    private static string NextLink(string path, int n, string last) =>
        $"<{path}?n={n}&last={Uri.EscapeDataString(last)}>; rel=\"next\"";

    private static async Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, type);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Wharf.Core;
using Wharf.Core.Access;
using Wharf.Core.Registry;
using Wharf.Server.Auth;

namespace Wharf.Server.Oci;

/// <summary>Tags list, catalog and referrers: paginated listings from metadata.</summary>
internal static class ListingHandlers
{
    /// <summary>Page size when the client gives no n, and the largest page served.</summary>
    private const int DefaultPage = 1000;
    private const int MaxPage = 10000;

    public static async Task TagsAsync(HttpContext context, IServiceProvider services, string name)
    {
        var metadata = services.Get<IMetadataStore>();
        var ct = context.RequestAborted;
        if (!TryPage(context, out int n, out string? last))
        {
            await WritePaginationErrorAsync(context);
            return;
        }
        if (!await metadata.RepositoryExistsAsync(name, ct))
        {
            await OciHttp.WriteErrorAsync(context, OciErrors.NameUnknown(name));
            return;
        }
        var tags = n == 0 ? [] : await metadata.ListTagsAsync(name, last, n + 1, ct);
        var page = tags.Take(n).ToList();
        if (tags.Count > n) context.Response.Headers.Link = NextLink($"/v2/{name}/tags/list", n, page[^1]);
        await WriteJsonAsync(context, new TagList(name, page), OciJson.Default.TagList);
    }

    public static async Task CatalogAsync(HttpContext context, IServiceProvider services)
    {
        if (!TryPage(context, out int n, out string? last))
        {
            await WritePaginationErrorAsync(context);
            return;
        }
        var names = n == 0 ? [] : await VisibleRepositoriesAsync(context, services, last, n + 1);
        var page = names.Take(n).ToList();
        if (names.Count > n) context.Response.Headers.Link = NextLink("/v2/_catalog", n, page[^1]);
        await WriteJsonAsync(context, new Catalog(page), OciJson.Default.Catalog);
    }

    /// <summary>Up to <paramref name="limit"/> repository names after <paramref name="last"/> that the caller may pull.</summary>
    private static async Task<List<string>> VisibleRepositoriesAsync(HttpContext context, IServiceProvider services, string? last, int limit)
    {
        var metadata = services.Get<IMetadataStore>();
        var guard = services.Get<AccessGuard>();
        var visible = new List<string>();
        while (visible.Count < limit)
        {
            var batch = await metadata.ListRepositoriesAsync(last, limit, context.RequestAborted);
            foreach (var name in batch)
                if (visible.Count < limit && await guard.MayAsync(context, name, AccessAction.Pull)) visible.Add(name);
            if (batch.Count < limit) break;
            last = batch[^1];
        }
        return visible;
    }

    public static async Task ReferrersAsync(HttpContext context, IServiceProvider services, string name, string reference)
    {
        if (!Digest.TryParse(reference, out var subject))
        {
            await OciHttp.WriteErrorAsync(context, OciErrors.DigestInvalid($"invalid digest '{reference}'"));
            return;
        }
        string? artifactType = context.Request.Query["artifactType"];
        if (string.IsNullOrEmpty(artifactType)) artifactType = null;
        var body = await services.Get<ManifestService>().ReferrersIndexAsync(name, subject, artifactType, context.RequestAborted);
        if (artifactType is not null) context.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        context.Response.ContentType = MediaTypes.OciIndex;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static bool TryPage(HttpContext context, out int n, out string? last)
    {
        last = context.Request.Query["last"];
        if (string.IsNullOrEmpty(last)) last = null;
        string? text = context.Request.Query["n"];
        n = DefaultPage;
        if (string.IsNullOrEmpty(text)) return true;
        if (!int.TryParse(text, out n) || n < 0) return false;
        n = Math.Min(n, MaxPage);
        return true;
    }

    private static Task WritePaginationErrorAsync(HttpContext context) =>
        OciHttp.WriteErrorAsync(context, OciErrorCode.PaginationNumberInvalid, "n must be a non-negative integer");

    private static string NextLink(string path, int n, string last) =>
        $"<{path}?n={n}&last={Uri.EscapeDataString(last)}>; rel=\"next\"";

    private static async Task WriteJsonAsync<T>(HttpContext context, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, type);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}

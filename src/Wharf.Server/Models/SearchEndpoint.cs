using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Contracts.Api;
using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Ml;
using Wharf.Server.Api;

namespace Wharf.Server.Models;

/// <summary>GET /api/v1/models (and /api/v1/repositories/{name}/versions): search the catalog, newest first, by cursor.</summary>
internal static class SearchEndpoint
{
    private const int DefaultLimit = 20, MaxLimit = 100;

    private static readonly string[] Known =
        ["q", "kind", "format", "architecture", "quantization", "license", "namespace", "minParameters", "maxParameters", "attachments", "limit", "cursor"];

    public static Task HandleAsync(HttpContext context) => HandleAsync(context, repository: null);

    public static async Task HandleAsync(HttpContext context, string? repository)
    {
        var parsed = Parse(context);
        if (parsed.Error is not null)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.ParameterInvalid, parsed.Error);
            return;
        }
        if (repository is not null && !await ModelsTagsEndpoints.KnownAsync(context, repository)) return;
        var query = parsed.Query! with { Repository = repository };
        var catalog = context.RequestServices.GetRequiredService<IModelCatalogStore>();
        int limit = query.Limit;
        var results = new List<ModelVersionRecord>(limit);
        bool more = false;
        long? before = query.Before;
        // Pages are filled after the access check, so a caller never sees a model it may not read, and never a short
        // page that hides more results.
        while (!more)
        {
            var batch = await catalog.SearchAsync(query with { Before = before, Limit = limit + 1 }, context.RequestAborted);
            foreach (var version in batch)
            {
                if (results.Count == limit) { more = true; break; }
                if (await ApiAccess.CanReadAsync(context, version.Repository)) results.Add(version);
                before = version.Cursor;
            }
            if (batch.Count <= limit) break;
        }
        string? next = more ? ModelsHttp.CursorText(results[^1].Cursor) : null;
        if (next is not null) ModelsHttp.LinkNext(context, next);
        await ModelsHttp.WriteAsync(context, new ModelList(results.Select(Summary).ToList(), next), ModelsJson.Default.ModelList);
    }

    internal static ModelSummary Summary(ModelVersionRecord v) => new(
        v.Repository, v.Digest.ToString(), v.Kind, v.Status, v.Name, v.Format, v.Architecture, v.ParameterCount, v.Quantization,
        v.Licenses, v.Tags, v.PushedAt, v.IndexedAt);

    private static (ModelQuery? Query, string? Error) Parse(HttpContext context)
    {
        if (ModelsHttp.Unknown(context, Known) is { } unknown) return (null, unknown);
        var (limit, limitError) = ModelsHttp.Limit(context, DefaultLimit, MaxLimit);
        if (limitError is not null) return (null, limitError);
        var (cursor, cursorError) = ModelsHttp.Cursor(context);
        if (cursorError is not null) return (null, cursorError);
        string? kind = ModelsHttp.Query(context, "kind");
        if (kind is not null && !ArtifactClassifier.Names.Contains(kind, StringComparer.OrdinalIgnoreCase))
            return (null, $"kind '{kind}' is not one of {string.Join(", ", ArtifactClassifier.Names)}");
        string? ns = ModelsHttp.Query(context, "namespace");
        if (ns is not null && (ns.Contains('/') || !Reference.IsValidName(ns)))
            return (null, $"namespace '{ns}' is not a valid namespace (the first component of a repository name)");
        var (min, minError) = Parameters(context, "minParameters");
        if (minError is not null) return (null, minError);
        var (max, maxError) = Parameters(context, "maxParameters");
        if (maxError is not null) return (null, maxError);
        if (min > max) return (null, $"minParameters ({min}) is larger than maxParameters ({max})");
        bool attachments = false;
        if (ModelsHttp.Query(context, "attachments") is { } a && !bool.TryParse(a, out attachments))
            return (null, $"attachments must be true or false, not '{a}'");
        return (new ModelQuery
        {
            Text = ModelsHttp.Query(context, "q"), Kind = kind?.ToLowerInvariant(), Format = ModelsHttp.Query(context, "format"),
            Architecture = ModelsHttp.Query(context, "architecture"), Quantization = ModelsHttp.Query(context, "quantization"),
            License = ModelsHttp.Query(context, "license"), Namespace = ns, MinParameters = min, MaxParameters = max,
            IncludeAttachments = attachments, Before = cursor, Limit = limit,
        }, null);
    }

    /// <summary>A parameter bound: a count ("7000000000") or a size ("7b", "350M").</summary>
    private static (long? Value, string? Error) Parameters(HttpContext context, string name)
    {
        var text = ModelsHttp.Query(context, name);
        if (text is null) return (null, null);
        return ParameterSize.Parse(text) is { } n
            ? (n, null)
            : (null, $"{name} must be a parameter count such as 7000000000 or 7b, not '{text}'");
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Contracts.Api;
using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Core.Policy;
using Wharf.Server.Api;

namespace Wharf.Server.Models;

/// <summary>GET …/tags (semantic-version order) and GET …/history (every tag move, newest first).</summary>
internal static class ModelsTagsEndpoints
{
    private const int DefaultLimit = 50, MaxLimit = 500;

    public static async Task TagsAsync(HttpContext context, string repository)
    {
        if (ModelsHttp.Unknown(context) is { } unknown)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.ParameterInvalid, unknown);
            return;
        }
        if (!await KnownAsync(context, repository)) return;
        var tags = await context.RequestServices.GetRequiredService<IModelCatalogStore>().ListTagsAsync(repository, context.RequestAborted);
        var byName = tags.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var ordered = SemanticVersion.Order(byName.Keys)
            .Select(name => byName[name])
            .Select(t => new TagEntry(t.Name, t.Digest.ToString(), t.UpdatedAt, SemanticVersion.TryParse(t.Name, out _)))
            .ToList();
        await ModelsHttp.WriteAsync(context, new TagList(repository, ordered), ModelsJson.Default.TagList);
    }

    public static async Task HistoryAsync(HttpContext context, string repository)
    {
        if (ModelsHttp.Unknown(context, "tag", "limit", "cursor") is { } unknown)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.ParameterInvalid, unknown);
            return;
        }
        var (limit, limitError) = ModelsHttp.Limit(context, DefaultLimit, MaxLimit);
        var (cursor, cursorError) = ModelsHttp.Cursor(context);
        string? tag = ModelsHttp.Query(context, "tag");
        string? error = limitError ?? cursorError ?? (tag is not null && !Reference.IsValidTag(tag) ? $"tag '{tag}' is not a valid tag" : null);
        if (error is not null)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.ParameterInvalid, error);
            return;
        }
        if (!await KnownAsync(context, repository)) return;
        var catalog = context.RequestServices.GetRequiredService<IModelCatalogStore>();
        var moves = await catalog.ListTagHistoryAsync(repository, tag, cursor, limit + 1, context.RequestAborted);
        string? next = moves.Count > limit ? ModelsHttp.CursorText(moves[limit - 1].Id) : null;
        if (next is not null) ModelsHttp.LinkNext(context, next);
        var entries = moves.Take(limit).Select(m => new TagMoveEntry(m.Tag, m.Old?.ToString(), m.New?.ToString(), m.At, m.Actor)).ToList();
        await ModelsHttp.WriteAsync(context, new TagHistory(repository, entries, next), ModelsJson.Default.TagHistory);
    }

    /// <summary>The repository exists and the caller may read it; otherwise the 404 is written (denied looks absent).</summary>
    internal static async Task<bool> KnownAsync(HttpContext context, string repository)
    {
        if (await ApiAccess.CanReadAsync(context, repository)
            && await context.RequestServices.GetRequiredService<IMetadataStore>().RepositoryExistsAsync(repository, context.RequestAborted))
            return true;
        await ApiErrors.WriteAsync(context, ApiErrorCode.NameUnknown, $"repository {repository} is not known");
        return false;
    }
}

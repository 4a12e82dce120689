using Microsoft.AspNetCore.Http;
using Wharf.Core;
using Wharf.Server.Api;

namespace Wharf.Server.Models;

/// <summary>The /api/v1 models surface (docs/api/openapi.yaml): search, versions, tags, history and diffs.</summary>
public static class ModelsApi
{
    /// <summary>This module's rows of the /api/v1 table.</summary>
    internal static readonly ApiRoute[] Routes =
    [
        ApiRoute.Get("models", c => WithCatalog(c, SearchEndpoint.HandleAsync)),
        Repository("versions", SearchEndpoint.HandleAsync),
        Repository("tags", ModelsTagsEndpoints.TagsAsync),
        Repository("history", ModelsTagsEndpoints.HistoryAsync),
        Repository("diff", ModelsDiffEndpoint.HandleAsync),
        ApiRoute.Get("repositories/{repository}/versions/{reference}",
            c => WithCatalog(c, c => ModelsVersionEndpoint.HandleAsync(c, ApiRoute.RepositoryOf(c), ApiRoute.Value(c, "reference")))),
    ];

    private static ApiRoute Repository(string action, Func<HttpContext, string, Task> handle) =>
        ApiRoute.Get($"repositories/{{repository}}/{action}", c => WithCatalog(c, c => handle(c, ApiRoute.RepositoryOf(c))));

    /// <summary>Runs the endpoint when the metadata backend has a model catalog, else answers 501.</summary>
    private static Task WithCatalog(HttpContext context, Func<HttpContext, Task> endpoint) =>
        context.RequestServices.GetService(typeof(Wharf.Core.Catalog.IModelCatalogStore)) is null
            ? ApiErrors.WriteAsync(context, ApiErrorCode.NotImplemented,
                "the model catalog is not available on this metadata backend yet")
            : endpoint(context);

    /// <summary>Resolves a tag or digest in a repository the caller may read; writes the error and returns null otherwise.</summary>
    internal static async Task<ManifestRecord?> ResolveAsync(HttpContext context, IMetadataStore metadata, string repository, string reference, string what = "reference")
    {
        var ct = context.RequestAborted;
        if (!ManifestReference.TryParse(reference, out var parsed))
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.ParameterInvalid, $"{what} '{reference}' is neither a valid tag nor a valid digest");
            return null;
        }
        // Denied and absent look the same, so a private repository's existence does not leak.
        if (!await ApiAccess.CanReadAsync(context, repository) || !await metadata.RepositoryExistsAsync(repository, ct))
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.NameUnknown, $"repository {repository} is not known");
            return null;
        }
        var digest = parsed.Digest ?? await metadata.ResolveTagAsync(repository, parsed.Tag!, ct);
        var manifest = digest is null ? null : await metadata.GetManifestAsync(repository, digest.Value, ct);
        if (manifest is null)
            await ApiErrors.WriteAsync(context, ApiErrorCode.ManifestUnknown, $"{repository} has no manifest {reference}");
        return manifest;
    }
}

using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wharf.Core;
using Wharf.Server.Api;

namespace Wharf.Server.Models;

/// <summary>
/// The /api/v1 models surface (docs/api/openapi.yaml). Repository names contain slashes, so everything under
/// /api/v1/repositories/ goes through one dispatcher that matches the action from the right, as /v2 does.
/// </summary>
public static partial class ModelsApi
{
    internal static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/models", context => WithCatalog(context, SearchEndpoint.HandleAsync));
        // After the policy module's repository routes (…/policy, …/promote, …): this catch-all takes the rest.
        app.MapGet("/api/v1/repositories/{**rest}", (HttpContext context, string rest) => WithCatalog(context, c => DispatchAsync(c, rest)))
            .WithOrder(1);
        app.MapGet("/api/v1/openapi.yaml", ServeOpenApiAsync);
        return app;
    }

    [GeneratedRegex(@"^(?<repo>.+)/versions/(?<ref>[^/]+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionRoute();

    [GeneratedRegex(@"^(?<repo>.+)/(?<action>[^/]+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryRoute();

    /// <summary>
    /// The GET …/repositories/NAME/ACTION endpoints (besides …/versions/{reference}): the one table dispatch and
    /// the OpenAPI check read. An action not here is a 404.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, Func<HttpContext, string, Task>> RepositoryActions =
        new Dictionary<string, Func<HttpContext, string, Task>>(StringComparer.Ordinal)
        {
            ["versions"] = SearchEndpoint.HandleAsync,
            ["tags"] = ModelsTagsEndpoints.TagsAsync,
            ["history"] = ModelsTagsEndpoints.HistoryAsync,
            ["diff"] = ModelsDiffEndpoint.HandleAsync,
        };

    /// <summary>The path, under …/repositories/NAME/, of one version.</summary>
    internal const string VersionAction = "versions/{reference}";

    private static Task DispatchAsync(HttpContext context, string rest)
    {
        if (VersionRoute().Match(rest) is { Success: true } version)
        {
            string repository = version.Groups["repo"].Value;
            return Reference.IsValidName(repository)
                ? ModelsVersionEndpoint.HandleAsync(context, repository, version.Groups["ref"].Value)
                : BadName(context, repository);
        }
        if (RepositoryRoute().Match(rest) is { Success: true } route
            && RepositoryActions.TryGetValue(route.Groups["action"].Value, out var handle))
        {
            string repository = route.Groups["repo"].Value;
            return Reference.IsValidName(repository) ? handle(context, repository) : BadName(context, repository);
        }
        return ApiErrors.WriteAsync(context, ApiErrorCode.NotFound,
            $"no API at {context.Request.Path}; see /api/v1/openapi.yaml");
    }

    /// <summary>Runs the endpoint when the metadata backend has a model catalog, else answers 501.</summary>
    private static Task WithCatalog(HttpContext context, Func<HttpContext, Task> endpoint) =>
        context.RequestServices.GetService(typeof(Wharf.Core.Catalog.IModelCatalogStore)) is null
            ? ApiErrors.WriteAsync(context, ApiErrorCode.NotImplemented,
                "the model catalog is not available on this metadata backend yet")
            : endpoint(context);

    private static Task BadName(HttpContext context, string repository) =>
        ApiErrors.WriteAsync(context, ApiErrorCode.NameInvalid, $"'{repository}' is not a valid repository name");

    private static async Task ServeOpenApiAsync(HttpContext context)
    {
        await using var spec = typeof(ModelsApi).Assembly.GetManifestResourceStream("Wharf.Server.Api.openapi.yaml")
            ?? throw new InvalidOperationException("the OpenAPI document is not embedded");
        context.Response.ContentType = "application/yaml";
        context.Response.ContentLength = spec.Length;
        await spec.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

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

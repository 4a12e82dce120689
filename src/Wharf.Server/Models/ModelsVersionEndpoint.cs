using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Contracts.Api;
using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Ml;

using Wharf.Server.Api;

namespace Wharf.Server.Models;

/// <summary>GET /api/v1/repositories/{name}/versions/{reference}: one model version, everything Wharf knows of it.</summary>
internal static class ModelsVersionEndpoint
{
    public static async Task HandleAsync(HttpContext context, string repository, string reference)
    {
        if (ModelsHttp.Unknown(context) is { } unknown)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.ParameterInvalid, unknown);
            return;
        }
        var services = context.RequestServices;
        var metadata = services.GetRequiredService<IMetadataStore>();
        var catalog = services.GetRequiredService<IModelCatalogStore>();
        var ct = context.RequestAborted;
        var manifest = await ModelsApi.ResolveAsync(context, metadata, repository, reference);
        if (manifest is null) return;

        var version = await catalog.GetVersionAsync(repository, manifest.Digest, ct);
        var tags = version?.Tags ?? (await catalog.ListTagsAsync(repository, ct)).Where(t => t.Digest == manifest.Digest).Select(t => t.Name).ToList();
        var referrers = await metadata.ListReferrersAsync(repository, manifest.Digest, null, ct);
        var attachments = referrers
            .GroupBy(r => AttachmentKinds.Classify(r.ArtifactType, r.Annotations))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Attachment>)g.Select(r =>
                new Attachment(r.Digest.ToString(), r.MediaType, r.Size, r.ArtifactType, r.Annotations)).ToList(), StringComparer.Ordinal);

        IndexState index;
        string kind;
        if (version is null)
        {
            // Not indexed yet: the kind still shows, from the manifest alone.
            var queued = await catalog.GetQueuedAsync(repository, manifest.Digest, ct);
            index = new IndexState("pending", queued?.Attempts, queued?.LastError, [], null);
            var parsed = ManifestParser.Parse(manifest.Content, manifest.MediaType);
            kind = ArtifactClassifier.Name(parsed.Ok ? ArtifactClassifier.Classify(parsed.Value) : ArtifactKind.Artifact);
        }
        else
        {
            index = new IndexState(version.Status, null, null, CatalogRecords.Errors(version), version.IndexedAt);
            kind = version.Kind;
        }
        var detail = new ModelDetail(
            repository, manifest.Digest.ToString(), manifest.MediaType, manifest.ArtifactType, kind, tags, manifest.CreatedAt,
            manifest.Subject?.ToString(), index,
            version is null ? null : CatalogRecords.Metadata(version),
            version is null ? null : CatalogRecords.Files(version),
            version is null ? null : CatalogRecords.Card(version),
            version is null ? null : CatalogRecords.Lineage(version),
            attachments, manifest.Annotations);
        await ModelsHttp.WriteAsync(context, detail, ModelsJson.Default.ModelDetail);
    }
}

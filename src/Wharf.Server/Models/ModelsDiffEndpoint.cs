using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Contracts.Api;
using Wharf.Contracts.Models;
using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Ml;

using Wharf.Server.Api;

namespace Wharf.Server.Models;

/// <summary>GET …/diff?from=REF&amp;to=REF: which files were added, removed or changed, and which metadata fields changed.</summary>
internal static class ModelsDiffEndpoint
{
    public static async Task HandleAsync(HttpContext context, string repository)
    {
        string? from = ModelsHttp.Query(context, "from"), to = ModelsHttp.Query(context, "to");
        string? error = ModelsHttp.Unknown(context, "from", "to")
            ?? (from is null || to is null ? "diff needs both from= and to= (a tag or digest each)" : null);
        if (error is not null)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.ParameterInvalid, error);
            return;
        }
        var metadata = context.RequestServices.GetRequiredService<IMetadataStore>();
        var catalog = context.RequestServices.GetRequiredService<IModelCatalogStore>();
        var a = await ModelsApi.ResolveAsync(context, metadata, repository, from!, "from");
        if (a is null) return;
        var b = await ModelsApi.ResolveAsync(context, metadata, repository, to!, "to");
        if (b is null) return;
        var va = await catalog.GetVersionAsync(repository, a.Digest, context.RequestAborted);
        var vb = await catalog.GetVersionAsync(repository, b.Digest, context.RequestAborted);
        if (va is null || vb is null)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.NotIndexed,
                $"{(va is null ? from : to)} is not indexed yet; try again shortly");
            return;
        }
        var diff = new VersionDiff(repository, new DiffSide(from!, a.Digest.ToString()), new DiffSide(to!, b.Digest.ToString()),
            Files(CatalogRecords.Files(va), CatalogRecords.Files(vb)), Fields(va, vb));
        await ModelsHttp.WriteAsync(context, diff, ModelsJson.Default.VersionDiff);
    }

    /// <summary>Files matched by path; a file changed when its digest, size or media type did.</summary>
    private static FileDiff Files(IReadOnlyList<ModelFile> a, IReadOnlyList<ModelFile> b)
    {
        var before = a.GroupBy(f => f.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var after = b.GroupBy(f => f.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var added = after.Values.Where(f => !before.ContainsKey(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var removed = before.Values.Where(f => !after.ContainsKey(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var changed = before.Values.Where(f => after.TryGetValue(f.Path, out var g) && (g.Digest != f.Digest || g.Size != f.Size || g.MediaType != f.MediaType))
            .OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => new FileChange(f.Path, f, after[f.Path])).ToList();
        return new FileDiff(added, removed, changed);
    }

    /// <summary>Every metadata and lineage field, flattened to text ("licenses", "lineage.metrics.accuracy"), compared.</summary>
    private static List<FieldChange> Fields(ModelVersionRecord a, ModelVersionRecord b)
    {
        var fa = Flatten(a);
        var fb = Flatten(b);
        return fa.Keys.Union(fb.Keys).Order(StringComparer.Ordinal)
            .Select(k => new FieldChange(k, fa.GetValueOrDefault(k), fb.GetValueOrDefault(k)))
            .Where(c => c.From != c.To).ToList();
    }

    private static Dictionary<string, string> Flatten(ModelVersionRecord v)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["kind"] = v.Kind };
        using (var metadata = JsonDocument.Parse(v.MetadataJson)) Flatten(metadata.RootElement, "", fields);
        if (v.LineageJson is not null)
        {
            using var lineage = JsonDocument.Parse(v.LineageJson);
            Flatten(lineage.RootElement, "lineage.", fields);
        }
        return fields;
    }

    private static void Flatten(JsonElement e, string prefix, Dictionary<string, string> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) Flatten(p.Value, prefix + p.Name + ".", into);
                break;
            case JsonValueKind.Array:
                into[prefix.TrimEnd('.')] = string.Join(", ", e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText()));
                break;
            case JsonValueKind.String:
                into[prefix.TrimEnd('.')] = e.GetString()!;
                break;
            case JsonValueKind.Null:
                break;
            default:
                into[prefix.TrimEnd('.')] = e.GetRawText();
                break;
        }
    }
}

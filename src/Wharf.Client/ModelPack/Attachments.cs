using System.Text;
using Wharf.Core;

namespace Wharf.Client.ModelPack;

/// <summary>The kinds of <c>wharf attach</c> and their media types (docs/annotations.md).</summary>
public static class Attachments
{
    public static readonly IReadOnlyDictionary<string, string> ArtifactTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["card"] = ModelMediaTypes.CardArtifactType,
        ["eval"] = ModelMediaTypes.EvalArtifactType,
        ["sbom"] = ModelMediaTypes.SbomArtifactType,
        ["signature"] = ModelMediaTypes.SignatureArtifactType,
        ["scan"] = ModelMediaTypes.ScanArtifactType,
        ["run"] = ModelMediaTypes.TrainingRunArtifactType,
    };

    /// <summary>The kind word for an artifact type, or null when it is none of Wharf's.</summary>
    public static string? KindOf(string? artifactType) =>
        ArtifactTypes.FirstOrDefault(k => k.Value == artifactType).Key;

    /// <summary>(artifactType, kind word) for a --type value: a known kind, or a media type given as is.</summary>
    public static (string ArtifactType, string Kind)? Resolve(string type)
    {
        if (ArtifactTypes.TryGetValue(type, out var known)) return (known, type);
        return type.Contains('/') ? (type, "other") : null;
    }

    /// <summary>The layer media type for an attachment's file, sniffing the first KiB where the kind allows several.</summary>
    public static string LayerMediaType(string kind, ReadOnlySpan<byte> head) => kind switch
    {
        "card" => "text/markdown",
        "eval" or "run" => "application/json",
        "sbom" => Has(head, "\"spdxVersion\"") ? "application/spdx+json" : Has(head, "\"bomFormat\"") ? "application/vnd.cyclonedx+json" : MediaTypes.OctetStream,
        "scan" => Has(head, "sarif") ? "application/sarif+json" : "application/json",
        _ => MediaTypes.OctetStream,
    };

    private static bool Has(ReadOnlySpan<byte> head, string text) => head.IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    /// <summary>The attachment's manifest: empty config, one layer (the file), subject = the model's manifest.</summary>
    public static byte[] BuildManifest(string artifactType, string kind, Descriptor layer, string fileName, Descriptor subject, DateTimeOffset? created)
    {
        var empty = new Descriptor(MediaTypes.OciEmpty, Digest.Parse(MediaTypes.EmptyJsonDigest), 2);
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [AnnotationKeys.AttachmentKind] = kind };
        if (created is { } c) annotations[AnnotationKeys.Created] = c.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        return ModelPackBuilder.Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciManifest);
            w.WriteString("artifactType", artifactType);
            ModelPackBuilder.WriteDescriptor(w, "config", empty, null);
            w.WriteStartArray("layers");
            ModelPackBuilder.WriteDescriptor(w, null, layer, new Dictionary<string, string> { [AnnotationKeys.Title] = fileName });
            w.WriteEndArray();
            ModelPackBuilder.WriteDescriptor(w, "subject", subject with { ArtifactType = null, Annotations = null }, null);
            ModelPackBuilder.WriteAnnotations(w, annotations);
            w.WriteEndObject();
        });
    }
}

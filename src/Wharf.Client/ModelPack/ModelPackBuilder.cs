using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Wharf.Core;

namespace Wharf.Client.ModelPack;

/// <summary>A packed model: its config and manifest bytes, and the layers (one per file) in manifest order.</summary>
public sealed record ModelPackArtifact(byte[] Config, Descriptor ConfigDescriptor, byte[] Manifest, Digest ManifestDigest, IReadOnlyList<ModelFile> Layers);

/// <summary>
/// Writes the ModelPack config and manifest for hashed files. The output depends only on the files (paths,
/// digests, sizes) and the options: no clock, no host, no file times; keys in a fixed order, annotations sorted.
/// </summary>
public static class ModelPackBuilder
{
    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <exception cref="ArgumentException">An annotation given by the user collides with a computed one.</exception>
    public static ModelPackArtifact Build(IReadOnlyList<ModelFile> files, ModelMetadata metadata, ModelPackOptions options, string repository, string? tag)
    {
        string name = options.Name ?? repository[(repository.LastIndexOf('/') + 1)..];
        string? version = options.Version ?? tag;
        string? license = options.License ?? metadata.License;
        string? created = options.Created?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        byte[] config = Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("descriptor");
            if (created is not null) w.WriteString("createdAt", created);
            w.WriteString("name", name);
            if (version is not null) w.WriteString("version", version);
            if (options.SourceUrl is not null) w.WriteString("sourceURL", options.SourceUrl);
            if (options.SourceCommit is not null) w.WriteString("revision", options.SourceCommit);
            if (license is not null)
            {
                w.WriteStartArray("licenses");
                w.WriteStringValue(license);
                w.WriteEndArray();
            }
            if (options.Description is not null) w.WriteString("description", options.Description);
            w.WriteEndObject();
            w.WriteStartObject("config");
            WriteIf(w, "architecture", options.Architecture ?? metadata.Architecture);
            WriteIf(w, "format", options.Format ?? LayerKinds.FormatOf(files.Where(f => f.MediaType == ModelMediaTypes.ModelPackWeightRaw).Select(f => f.RelativePath)));
            WriteIf(w, "paramSize", options.ParamSize);
            WriteIf(w, "precision", options.Precision ?? metadata.Precision);
            WriteIf(w, "quantization", options.Quantization ?? metadata.Quantization);
            w.WriteEndObject();
            w.WriteStartObject("modelfs");
            w.WriteString("type", "layers");
            w.WriteStartArray("diffIds");
            // Layers are uncompressed, so each layer's diff id is its digest.
            foreach (var file in files) w.WriteStringValue(file.Digest.ToString());
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
        var configDescriptor = new Descriptor(ModelMediaTypes.ModelPackConfig, Digest.Compute(config), config.Length);

        var annotations = Annotations(options, name, version, license, created);
        byte[] manifest = Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciManifest);
            w.WriteString("artifactType", ModelMediaTypes.ModelPackManifest);
            WriteDescriptor(w, "config", configDescriptor, null);
            w.WriteStartArray("layers");
            foreach (var file in files)
            {
                WriteDescriptor(w, null, new Descriptor(file.MediaType, file.Digest, file.Size), new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    [AnnotationKeys.ModelFilePath] = file.RelativePath,
                    [AnnotationKeys.Title] = file.RelativePath,
                });
            }
            w.WriteEndArray();
            WriteAnnotations(w, annotations);
            w.WriteEndObject();
        });
        return new ModelPackArtifact(config, configDescriptor, manifest, Digest.Compute(manifest), files);
    }

    private static SortedDictionary<string, string> Annotations(ModelPackOptions options, string name, string? version, string? license, string? created)
    {
        var computed = new SortedDictionary<string, string>(StringComparer.Ordinal) { [AnnotationKeys.Title] = name };
        void Set(string key, string? value)
        {
            if (value is not null) computed[key] = value;
        }
        Set(AnnotationKeys.Version, version);
        Set(AnnotationKeys.Licenses, license);
        Set(AnnotationKeys.Revision, options.SourceCommit);
        Set(AnnotationKeys.Source, options.SourceUrl);
        Set(AnnotationKeys.Created, created);
        Set(AnnotationKeys.Description, options.Description);
        Set(AnnotationKeys.TrainingRun, options.TrainingRun);
        Set(AnnotationKeys.SourceCommit, options.SourceCommit);
        Set(AnnotationKeys.BaseModel, options.BaseModel);
        if (options.DatasetDigests.Count > 0) computed[AnnotationKeys.DatasetDigests] = string.Join(',', options.DatasetDigests);
        foreach (var (metric, value) in options.Metrics) computed[AnnotationKeys.MetricPrefix + metric] = value;
        foreach (var (key, value) in options.Annotations)
        {
            if (computed.TryGetValue(key, out var existing) && existing != value)
                throw new ArgumentException($"--annotation {key}={value} collides with the computed value '{existing}'");
            computed[key] = value;
        }
        return computed;
    }

    internal static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Writer)) write(writer);
        return buffer.ToArray();
    }

    internal static void WriteDescriptor(Utf8JsonWriter w, string? property, Descriptor descriptor, IReadOnlyDictionary<string, string>? annotations)
    {
        if (property is null) w.WriteStartObject();
        else w.WriteStartObject(property);
        w.WriteString("mediaType", descriptor.MediaType);
        w.WriteString("digest", descriptor.Digest.ToString());
        w.WriteNumber("size", descriptor.Size);
        if (descriptor.ArtifactType is not null) w.WriteString("artifactType", descriptor.ArtifactType);
        if (annotations is { Count: > 0 }) WriteAnnotations(w, annotations);
        w.WriteEndObject();
    }

    internal static void WriteAnnotations(Utf8JsonWriter w, IEnumerable<KeyValuePair<string, string>> annotations)
    {
        var sorted = annotations.OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        if (sorted.Count == 0) return;
        w.WriteStartObject("annotations");
        foreach (var (key, value) in sorted) w.WriteString(key, value);
        w.WriteEndObject();
    }

    private static void WriteIf(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }
}

using System.Text.Json;
using Wharf.Contracts.Models;
using Wharf.Core;
using Wharf.Ml.Configs;
using Wharf.Ml.Formats;

namespace Wharf.Ml;

/// <summary>
/// Indexes one stored manifest: classifies it, reads its config, the headers of its weight files (by range, never
/// the whole blob), its model card and its lineage annotations. What cannot be read becomes an entry in
/// <see cref="ModelVersion.Errors"/>; only a failing store (an exception) makes the whole indexing fail.
/// </summary>
public sealed class ModelIndexer(IBlobStore blobs, IMetadataStore metadata)
{
    public const int MaxConfigBytes = 4 * 1024 * 1024;
    /// <summary>Headers read per version: enough for sharded checkpoints, bounded for hostile ones.</summary>
    public const int MaxWeightHeaders = 256;

    public async Task<ModelVersion> IndexAsync(string repository, ManifestRecord manifest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var parsed = ManifestParser.Parse(manifest.Content, manifest.MediaType);
        if (!parsed.Ok) return new ModelVersion { Kind = ArtifactClassifier.Name(ArtifactKind.Artifact), Errors = [parsed.Error.Message] };
        var m = parsed.Value;
        var kind = ArtifactClassifier.Classify(m);
        var run = new Run(kind);

        if (m.IsIndex)
        {
            foreach (var child in m.Manifests)
                run.Files.Add(new ModelFile { Path = child.Digest.ToString(), MediaType = child.MediaType, Digest = child.Digest.ToString(), Size = child.Size, Role = "manifest" });
        }
        else
        {
            if (m.Config is { } config) await ReadConfigAsync(run, config, ct);
            foreach (var layer in m.Layers) await ReadLayerAsync(run, layer, ct);
        }

        var annotations = manifest.Annotations;
        var fromAnnotations = ConfigReader.FromOciAnnotations(k => annotations?.GetValueOrDefault(k));
        var card = await ReferrerCardAsync(repository, manifest.Digest, ct) ?? run.Card;
        return new ModelVersion
        {
            Kind = ArtifactClassifier.Name(kind),
            Metadata = Merge(run, fromAnnotations),
            Files = run.Files,
            Lineage = Lineage.From(annotations, run.Errors),
            Card = card,
            Errors = run.Errors,
        };
    }

    private sealed class Run(ArtifactKind kind)
    {
        public ArtifactKind Kind { get; } = kind;
        public ModelMetadata Config { get; set; } = new();
        public List<ModelFile> Files { get; } = [];
        public List<string> Errors { get; } = [];
        public ModelCard? Card { get; set; }
        public int HeadersRead { get; set; }
    }

    private async Task ReadConfigAsync(Run run, Descriptor config, CancellationToken ct)
    {
        if (config.MediaType == MediaTypes.OciEmpty || config.Size > MaxConfigBytes) return;
        if (run.Kind is not (ArtifactKind.ModelPack or ArtifactKind.ModelKit or ArtifactKind.DockerModel or ArtifactKind.Ollama or ArtifactKind.ContainerImage)) return;
        var content = await blobs.OpenAsync(config.Digest, ct);
        if (content is null) { run.Errors.Add($"config {config.Digest} is not in the blob store"); return; }
        var bytes = await RangeSource.FromBlob(content).ReadExactlyAsync(0, (int)content.Length, ct);
        if (bytes is null) { run.Errors.Add($"config {config.Digest} is shorter than its descriptor"); return; }
        try
        {
            run.Config = ConfigReader.Read(run.Kind, bytes.Value);
        }
        catch (JsonException e)
        {
            run.Errors.Add($"config: not valid JSON: {e.Message}");
        }
    }

    private async Task ReadLayerAsync(Run run, Descriptor layer, CancellationToken ct)
    {
        string? annotatedPath = layer.Annotations?.GetValueOrDefault(AnnotationKeys.ModelFilePath)
            ?? layer.Annotations?.GetValueOrDefault(AnnotationKeys.Title);
        string role = Role(run.Kind, layer.MediaType);
        var file = new ModelFile { Path = annotatedPath ?? layer.Digest.ToString(), MediaType = layer.MediaType, Digest = layer.Digest.ToString(), Size = layer.Size, Role = role };
        // Image layers are filesystem changesets, often large and compressed: listed, not opened.
        if (run.Kind is ArtifactKind.ContainerImage or ArtifactKind.Artifact || MediaTypes.IsIndex(layer.MediaType))
        {
            run.Files.Add(file);
            return;
        }
        var content = await blobs.OpenAsync(layer.Digest, ct);
        if (content is null) { run.Files.Add(file with { Error = "blob is not in the blob store" }); return; }
        var source = RangeSource.FromBlob(content);

        if (ModelMediaTypes.IsTar(layer.MediaType))
        {
            int before = run.Files.Count;
            string? error = await TarWalker.WalkAsync(source, ModelMediaTypes.Compression(layer.MediaType),
                async entry => run.Files.Add(await InspectAsync(run, file with { Path = entry.Path, Size = entry.Size }, entry.Content, ct)), ct);
            if (error is not null) run.Errors.Add($"{file.Path}: {error}");
            if (run.Files.Count == before) run.Files.Add(file with { Error = error });
            return;
        }
        run.Files.Add(await InspectAsync(run, file, source, ct));
    }

    /// <summary>Reads what a single file's bytes can tell: a weight header, or a model card.</summary>
    private async Task<ModelFile> InspectAsync(Run run, ModelFile file, RangeSource source, CancellationToken ct)
    {
        if (ModelCards.IsCardPath(file.Path) && run.Card is null && source.Length <= ModelCards.MaxCardBytes)
        {
            var bytes = await source.ReadExactlyAsync(0, (int)source.Length, ct);
            if (bytes is not null) run.Card = ModelCards.Parse(bytes.Value.Span, file.Path);
            return file;
        }
        string? format = await WeightFormatAsync(file, source, ct);
        if (format is null) return file;
        if (run.HeadersRead++ >= MaxWeightHeaders) return file with { Format = format };
        if (format == "gguf")
        {
            var gguf = await GgufReader.ReadAsync(source, ct);
            if (!gguf.Ok) { run.Errors.Add($"{file.Path}: {gguf.Error}"); return file with { Format = format, Error = gguf.Error }; }
            var g = gguf.Value;
            return file with { Format = format, TensorCount = (int)Math.Min(g.TensorCount, int.MaxValue), ParameterCount = g.ParameterCount,
                Architecture = g.Architecture, Quantization = g.Quantization, ContextLength = g.ContextLength };
        }
        var st = await SafetensorsReader.ReadAsync(source, ct);
        if (!st.Ok) { run.Errors.Add($"{file.Path}: {st.Error}"); return file with { Format = format, Error = st.Error }; }
        return file with { Format = format, TensorCount = st.Value.TensorCount, ParameterCount = st.Value.ParameterCount, ParametersByDtype = st.Value.ParametersByDtype };
    }

    private static async Task<string?> WeightFormatAsync(ModelFile file, RangeSource source, CancellationToken ct)
    {
        string type = file.MediaType;
        if (file.Path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || type.Contains("safetensors", StringComparison.Ordinal)) return "safetensors";
        if (file.Path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || type.Contains("gguf", StringComparison.Ordinal)) return "gguf";
        // ollama and some packers name weights without an extension: the GGUF magic tells.
        if (file.Role is "weight" or "model" or "modelpart" && await source.ReadExactlyAsync(0, 4, ct) is { } magic && magic.Span.SequenceEqual("GGUF"u8)) return "gguf";
        return null;
    }

    /// <summary>The role a layer plays, from its media type, per kind.</summary>
    public static string Role(ArtifactKind kind, string mediaType)
    {
        string? After(string prefix)
        {
            if (!mediaType.StartsWith(prefix, StringComparison.Ordinal)) return null;
            string rest = mediaType[prefix.Length..];
            int dot = rest.IndexOf(".v", StringComparison.Ordinal);
            return dot > 0 ? rest[..dot] : rest;
        }
        return kind switch
        {
            ArtifactKind.ModelPack => After(ModelMediaTypes.ModelPackPrefix) ?? After(ModelMediaTypes.ModelPackDraftPrefix) ?? "layer",
            ArtifactKind.ModelKit => After(ModelMediaTypes.ModelKitPrefix) ?? "layer",
            ArtifactKind.DockerModel => mediaType switch
            {
                ModelMediaTypes.DockerGguf or ModelMediaTypes.DockerSafetensors => "weight",
                ModelMediaTypes.DockerLicense => "license",
                _ => After(ModelMediaTypes.DockerAiPrefix) ?? "layer",
            },
            ArtifactKind.Ollama => After(ModelMediaTypes.OllamaPrefix) switch { "model" => "weight", { } other => other, null => "layer" },
            _ => "layer",
        };
    }

    /// <summary>A card attached as a referrer (the newest wins over a README in the version itself).</summary>
    private async Task<ModelCard?> ReferrerCardAsync(string repository, Digest digest, CancellationToken ct)
    {
        var referrers = await metadata.ListReferrersAsync(repository, digest, null, ct);
        foreach (var referrer in referrers.Reverse())
        {
            if (AttachmentKinds.Classify(referrer.ArtifactType, referrer.Annotations) != AttachmentKinds.Card) continue;
            var manifest = await metadata.GetManifestAsync(repository, referrer.Digest, ct);
            if (manifest is null) continue;
            var parsed = ManifestParser.Parse(manifest.Content, manifest.MediaType);
            if (!parsed.Ok || parsed.Value.Layers.Count == 0) continue;
            var layer = parsed.Value.Layers[0];
            if (layer.Size > ModelCards.MaxCardBytes || await blobs.OpenAsync(layer.Digest, ct) is not { } content) continue;
            var bytes = await RangeSource.FromBlob(content).ReadExactlyAsync(0, (int)content.Length, ct);
            if (bytes is not null) return ModelCards.Parse(bytes.Value.Span, "referrer " + referrer.Digest);
        }
        return null;
    }

    private static ModelMetadata Merge(Run run, ModelMetadata annotations)
    {
        var c = run.Config;
        var weights = run.Files.Where(f => f.Format is not null && f.Error is null).ToList();
        long? counted = weights.Count > 0 && weights.All(f => f.ParameterCount is not null) ? weights.Sum(f => f.ParameterCount!.Value) : null;
        var dtypes = weights.Where(f => f.ParametersByDtype is not null).SelectMany(f => f.ParametersByDtype!.Keys).Distinct().ToList();
        return c with
        {
            Title = c.Title ?? annotations.Title,
            Version = c.Version ?? annotations.Version,
            Description = c.Description ?? annotations.Description,
            Vendor = c.Vendor ?? annotations.Vendor,
            Authors = c.Authors ?? annotations.Authors,
            Licenses = c.Licenses ?? annotations.Licenses,
            Created = c.Created ?? annotations.Created,
            Format = c.Format ?? weights.Select(f => f.Format).FirstOrDefault(),
            Architecture = c.Architecture ?? weights.Select(f => f.Architecture).FirstOrDefault(a => a is not null),
            Quantization = c.Quantization ?? weights.Select(f => f.Quantization).FirstOrDefault(q => q is not null),
            ContextLength = c.ContextLength ?? weights.Select(f => f.ContextLength).FirstOrDefault(x => x is not null),
            ParameterCount = counted ?? c.ParameterCount,
            Precision = c.Precision ?? (dtypes.Count == 1 ? dtypes[0].ToLowerInvariant() : null),
        };
    }
}

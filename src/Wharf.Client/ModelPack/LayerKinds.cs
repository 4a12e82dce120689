using Wharf.Core;

namespace Wharf.Client.ModelPack;

/// <summary>Which ModelPack layer a file of a model directory becomes (the table in docs/annotations.md).</summary>
public static class LayerKinds
{
    private static readonly HashSet<string> WeightExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".safetensors", ".gguf", ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".h5", ".pb", ".tflite", ".msgpack", ".npz",
        ".pkl", ".pickle", ".mlmodel", ".engine", ".plan",
    };

    private static readonly HashSet<string> WeightConfigNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "config.json", "generation_config.json", "merges.txt", "special_tokens_map.json", "added_tokens.json",
        "preprocessor_config.json",
    };

    private static readonly string[] WeightConfigPrefixes = ["tokenizer", "vocab", "chat_template"];

    private static readonly string[] DocPrefixes = ["README", "LICENSE", "LICENCE", "NOTICE", "CHANGELOG"];

    private static readonly HashSet<string> DocExtensions = new(StringComparer.OrdinalIgnoreCase) { ".md", ".txt", ".rst", ".pdf" };

    private static readonly HashSet<string> CodeExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".py", ".ipynb", ".sh", ".js", ".ts", ".go", ".rs", ".c", ".cc", ".cpp", ".h", ".java", ".jl", ".r", ".yaml", ".yml", ".toml",
    };

    private static readonly HashSet<string> DatasetExtensions = new(StringComparer.OrdinalIgnoreCase) { ".parquet", ".csv", ".tsv", ".jsonl", ".arrow" };

    private static readonly HashSet<string> DatasetFolders = new(StringComparer.OrdinalIgnoreCase) { "data", "dataset", "datasets" };

    /// <summary>The layer media type for a file at <paramref name="relativePath"/> ('/'-separated).</summary>
    public static string MediaTypeFor(string relativePath)
    {
        string name = relativePath[(relativePath.LastIndexOf('/') + 1)..];
        string extension = Path.GetExtension(name);
        int slash = relativePath.IndexOf('/');
        if (slash > 0 && DatasetFolders.Contains(relativePath[..slash])) return ModelMediaTypes.ModelPackDatasetRaw;
        if (WeightExtensions.Contains(extension)) return ModelMediaTypes.ModelPackWeightRaw;
        if (WeightConfigNames.Contains(name)
            || WeightConfigPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            || extension.Equals(".model", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
            return ModelMediaTypes.ModelPackWeightConfigRaw;
        if (name.StartsWith("requirements", StringComparison.OrdinalIgnoreCase) && extension.Equals(".txt", StringComparison.OrdinalIgnoreCase))
            return ModelMediaTypes.ModelPackCodeRaw;
        if (DocPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || DocExtensions.Contains(extension))
            return ModelMediaTypes.ModelPackDocRaw;
        if (CodeExtensions.Contains(extension) || name is "Dockerfile" or "Makefile") return ModelMediaTypes.ModelPackCodeRaw;
        if (DatasetExtensions.Contains(extension)) return ModelMediaTypes.ModelPackDatasetRaw;
        return ModelMediaTypes.ModelPackWeightConfigRaw;
    }

    /// <summary>The ModelPack <c>config.format</c> the weight files suggest, or null.</summary>
    public static string? FormatOf(IEnumerable<string> weightPaths)
    {
        var formats = weightPaths.Select(p => Path.GetExtension(p).ToLowerInvariant() switch
        {
            ".safetensors" => "safetensors",
            ".gguf" => "gguf",
            ".onnx" => "onnx",
            ".bin" or ".pt" or ".pth" or ".ckpt" => "pytorch",
            ".h5" or ".pb" => "tensorflow",
            ".tflite" => "tflite",
            _ => null,
        }).OfType<string>().Distinct().ToList();
        // safetensors next to pytorch .bin files (common in Hugging Face repos): safetensors is what loaders pick.
        if (formats.Contains("safetensors")) return "safetensors";
        return formats.Count == 1 ? formats[0] : formats.FirstOrDefault();
    }
}

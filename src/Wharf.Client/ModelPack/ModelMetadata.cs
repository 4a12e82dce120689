using System.Text.Json;

namespace Wharf.Client.ModelPack;

/// <summary>What a model directory says about itself: Hugging Face config.json fields and README front matter.</summary>
public sealed record ModelMetadata(string? Architecture, string? Precision, string? Quantization, string? License)
{
    public static ModelMetadata Read(string root)
    {
        string? architecture = null, precision = null, quantization = null;
        string configPath = Path.Combine(root, "config.json");
        if (File.Exists(configPath) && new FileInfo(configPath).Length < 4 * 1024 * 1024)
        {
            try
            {
                using var json = JsonDocument.Parse(File.ReadAllBytes(configPath));
                var config = json.RootElement;
                if (config.ValueKind == JsonValueKind.Object)
                {
                    if (config.TryGetProperty("architectures", out var archs) && archs.ValueKind == JsonValueKind.Array && archs.GetArrayLength() > 0)
                        architecture = archs[0].ValueKind == JsonValueKind.String ? archs[0].GetString() : null;
                    if (architecture is null && config.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String)
                        architecture = type.GetString();
                    if (config.TryGetProperty("torch_dtype", out var dtype) && dtype.ValueKind == JsonValueKind.String)
                        precision = PrecisionOf(dtype.GetString()!);
                    if (config.TryGetProperty("quantization_config", out var q) && q.ValueKind == JsonValueKind.Object
                        && q.TryGetProperty("quant_method", out var method) && method.ValueKind == JsonValueKind.String)
                        quantization = method.GetString();
                }
            }
            catch (JsonException)
            {
                // A config.json that is not JSON is still packed; it just tells nothing.
            }
        }
        return new ModelMetadata(architecture, precision, quantization, ReadmeLicense(root));
    }

    private static string PrecisionOf(string dtype) => dtype switch
    {
        "bfloat16" => "bf16",
        "float16" or "half" => "fp16",
        "float32" or "float" => "fp32",
        "float64" => "fp64",
        "int8" => "int8",
        _ => dtype,
    };

    /// <summary>The <c>license:</c> of a README's YAML front matter (between the first two '---' lines).</summary>
    internal static string? ReadmeLicense(string root)
    {
        string? readme = new[] { "README.md", "readme.md", "README.MD", "Readme.md" }.Select(n => Path.Combine(root, n)).FirstOrDefault(File.Exists);
        if (readme is null) return null;
        using var reader = new StreamReader(readme);
        if (reader.ReadLine()?.Trim() != "---") return null;
        for (int i = 0; i < 500 && reader.ReadLine() is { } line; i++)
        {
            if (line.Trim() == "---") break;
            if (!line.StartsWith("license:", StringComparison.OrdinalIgnoreCase)) continue;
            string value = line["license:".Length..].Trim().Trim('"', '\'');
            return value.Length == 0 ? null : value;
        }
        return null;
    }
}

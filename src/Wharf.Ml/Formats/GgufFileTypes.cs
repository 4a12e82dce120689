namespace Wharf.Ml.Formats;

/// <summary>Names of llama.cpp's <c>general.file_type</c> values (the dominant tensor encoding of a GGUF file).</summary>
public static class GgufFileTypes
{
    private static readonly string?[] Names =
    [
        "F32", "F16", "Q4_0", "Q4_1", "Q4_1_SOME_F16", null, null, "Q8_0", "Q5_0", "Q5_1",
        "Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "IQ2_XXS",
        "IQ2_XS", "Q2_K_S", "IQ3_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ3_M", "IQ2_S", "IQ2_M",
        "IQ4_XS", "IQ1_M", "BF16", null, null, null, "TQ1_0", "TQ2_0",
    ];

    /// <summary>The type's name, or <c>file_type_N</c> for a value this table does not know.</summary>
    public static string Name(int fileType) =>
        fileType >= 0 && fileType < Names.Length && Names[fileType] is { } name ? name : $"file_type_{fileType}";
}

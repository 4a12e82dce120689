using Wharf.Ml.Formats;
using static Wharf.Ml.Tests.ModelFiles;

namespace Wharf.Ml.Tests.Formats;

public sealed class SafetensorsReaderTests
{
    private static Task<ReadResult<SafetensorsInfo>> Read(byte[] file, out RangeSource source)
    {
        source = RangeSource.FromBytes(file);
        return SafetensorsReader.ReadAsync(source, CancellationToken.None);
    }

    [Fact]
    public async Task Counts_tensors_dtypes_and_parameters_exactly()
    {
        var file = Safetensors(
            [new("embed.weight", "BF16", 32, 16), new("layer.0.weight", "F32", 16, 16), new("layer.0.bias", "F32", 16), new("step", "I64")],
            new Dictionary<string, string> { ["format"] = "pt" });
        var result = await Read(file, out var source);
        Assert.True(result.Ok, result.Error);
        Assert.Equal(4, result.Value.TensorCount);
        Assert.Equal(32 * 16 + 16 * 16 + 16 + 1, result.Value.ParameterCount);
        Assert.Equal(new Dictionary<string, long> { ["BF16"] = 512, ["F32"] = 272, ["I64"] = 1 }, result.Value.ParametersByDtype);
        Assert.Equal("pt", result.Value.Metadata["format"]);
        Assert.True(source.BytesRead < file.Length, "the tensor data is never read");
    }

    [Theory]
    [InlineData(ulong.MaxValue, "over the limit")]
    [InlineData(200UL * 1024 * 1024, "over the limit")]
    [InlineData(50UL * 1024 * 1024, "beyond the file")]
    public async Task A_huge_declared_header_is_refused_after_reading_eight_bytes(ulong declared, string why)
    {
        var file = SafetensorsRaw("{}", 64, declared);
        var result = await Read(file, out var source);
        Assert.False(result.Ok);
        Assert.Contains(why, result.Error);
        Assert.Equal(8, source.BytesRead);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, "outside")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[8,4]}}""", 16, "outside")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[-1,15]}}""", 16, "outside")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,12]}}""", 16, "need 16")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 16, "overlaps")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}""", 16, "too large")]
    [InlineData("""{"a":{"dtype":"Q9","shape":[4],"data_offsets":[0,16]}}""", 16, "unknown dtype")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4]}}""", 16, "data_offsets")]
    [InlineData("""[1,2,3]""", 16, "not a JSON object")]
    [InlineData("""{"a": """, 16, "not valid JSON")]
    public async Task Bad_tensor_entries_are_refused_with_a_clear_reason(string header, long data, string why)
    {
        var result = await Read(SafetensorsRaw(header, data), out _);
        Assert.False(result.Ok);
        Assert.Contains(why, result.Error);
        Assert.StartsWith("safetensors: ", result.Error);
    }

    [Fact]
    public async Task A_file_shorter_than_the_length_prefix_is_refused()
    {
        var result = await Read([1, 2, 3], out _);
        Assert.False(result.Ok);
        Assert.Contains("shorter than", result.Error);
    }
}

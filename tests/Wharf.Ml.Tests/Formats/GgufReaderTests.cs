using Wharf.Ml.Formats;
using static Wharf.Ml.Tests.ModelFiles;

namespace Wharf.Ml.Tests.Formats;

public sealed class GgufReaderTests
{
    private static async Task<(ReadResult<GgufInfo> Result, RangeSource Source)> Read(byte[] file)
    {
        var source = RangeSource.FromBytes(file);
        return (await GgufReader.ReadAsync(source, CancellationToken.None), source);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public async Task Reads_architecture_quantization_context_and_parameters_exactly(int version)
    {
        var file = Gguf("llama", 15, 4096, [new("token_embd.weight", "F16", 64, 100), new("blk.0.attn_q.weight", "Q4", 64, 64), new("output_norm.weight", "F32", 64)], version);
        var (result, _) = await Read(file);
        Assert.True(result.Ok, result.Error);
        var info = result.Value;
        Assert.Equal(version, info.Version);
        Assert.Equal("llama", info.Architecture);
        Assert.Equal("tiny llama", info.Name);
        Assert.Equal(15, info.FileType);
        Assert.Equal("Q4_K_M", info.Quantization);
        Assert.Equal(4096, info.ContextLength);
        Assert.Equal(3, info.TensorCount);
        Assert.Equal(64 * 100 + 64 * 64 + 64, info.ParameterCount);
    }

    [Theory]
    [InlineData(0, "F32")]
    [InlineData(7, "Q8_0")]
    [InlineData(32, "BF16")]
    [InlineData(999, "file_type_999")]
    public void File_types_have_their_llama_cpp_names(int fileType, string name) => Assert.Equal(name, GgufFileTypes.Name(fileType));

    [Fact]
    public async Task A_hostile_tensor_count_is_refused_without_reading_on()
    {
        var w = new GgufWriter().Bytes("GGUF"u8).U32(3).U64(1UL << 60).U64(0);
        var file = w.Bytes(new byte[1024]).ToArray();
        var (result, source) = await Read(file);
        Assert.False(result.Ok);
        Assert.Contains("tensors cannot fit", result.Error);
        Assert.True(source.BytesRead <= file.Length);
    }

    [Fact]
    public async Task A_hostile_string_length_is_refused()
    {
        var file = new GgufWriter().Bytes("GGUF"u8).U32(3).U64(0).U64(1).U64(ulong.MaxValue - 3).Bytes(new byte[256]).ToArray();
        var (result, _) = await Read(file);
        Assert.False(result.Ok);
        Assert.Contains("past the end", result.Error);
    }

    [Fact]
    public async Task A_hostile_array_count_is_refused()
    {
        var file = Gguf("llama", 2, 2048, [new("a", "F32", 4)], extra: w => w.Str("evil").U32(9).U32(8).U64(1UL << 62));
        var (result, _) = await Read(file);
        Assert.False(result.Ok);
        Assert.Contains("array elements cannot fit", result.Error);
    }

    [Fact]
    public async Task A_hostile_dimension_count_is_refused()
    {
        var file = new GgufWriter().Bytes("GGUF"u8).U32(3).U64(1).U64(0).Str("t").U32(4000).Bytes(new byte[64]).ToArray();
        var (result, _) = await Read(file);
        Assert.False(result.Ok);
        Assert.Contains("4000 dimensions", result.Error);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'G', (byte)'G', (byte)'M', (byte)'L', 3, 0, 0, 0 }, "magic")]
    [InlineData(new byte[] { (byte)'G', (byte)'G', (byte)'U', (byte)'F', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "version 1")]
    [InlineData(new byte[] { (byte)'G', (byte)'G', (byte)'U', (byte)'F', 3, 0 }, "ends inside")]
    public async Task Bad_magic_version_or_truncation_are_refused(byte[] file, string why)
    {
        var (result, _) = await Read(file);
        Assert.False(result.Ok);
        Assert.Contains(why, result.Error);
    }

    [Fact]
    public async Task A_truncated_header_is_refused()
    {
        var full = Gguf("llama", 2, 2048, [new("a", "F32", 4)]);
        var (result, _) = await Read(full[..60]);
        Assert.False(result.Ok);
    }
}

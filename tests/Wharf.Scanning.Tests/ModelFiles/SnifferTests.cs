using Wharf.Scanning.ModelFiles;

namespace Wharf.Scanning.Tests.ModelFiles;

/// <summary>Formats from the first bytes only.</summary>
public sealed class SnifferTests
{
    [Theory]
    [InlineData("504b0304", ModelFormat.Zip)]
    [InlineData("377abcaf271c0004", ModelFormat.SevenZip)]
    [InlineData("1f8b0800", ModelFormat.Gzip)]
    [InlineData("fd377a585a0000", ModelFormat.Xz)]
    [InlineData("425a683931", ModelFormat.Bzip2)]
    [InlineData("934e554d5059010076007b", ModelFormat.Numpy)]
    [InlineData("4747554603000000", ModelFormat.Gguf)]
    [InlineData("894844460d0a1a0a", ModelFormat.Hdf5)]
    [InlineData("1c00000054464c33", ModelFormat.TfLite)]
    [InlineData("80028a0a6cfc9c46f9206aa850192e", ModelFormat.PyTorchLegacy)]
    [InlineData("0f000000000000007b2261223a7b7d7d", ModelFormat.Safetensors)]
    [InlineData("80047d942e", ModelFormat.Pickle)]
    [InlineData("789c4b4c4a0600024d0127", ModelFormat.Zlib)]
    [InlineData("5d00008000ffffffffffffffff0030", ModelFormat.Lzma)]
    [InlineData("080712097079746f726368", ModelFormat.Onnx)]
    public void Magic_numbers(string hex, ModelFormat format) =>
        Assert.Equal(format, ModelFileSniffer.Sniff(Convert.FromHexString(hex)));

    [Theory]
    [InlineData(@"(S'echo'\nios\nsystem\n.")] // "(S" also passes zlib's header checksum
    [InlineData(@"(dp0\nS'a'\np1\nI1\ns.")]
    [InlineData(@"]q\x00(K\x01K\x02e.")]
    [InlineData(@"cos\nsystem\n(S'id'\ntR\xff")]
    public void Protocol_0_and_1_pickles_have_no_magic_but_are_found(string pickle) =>
        Assert.Equal(ModelFormat.Pickle, ModelFileSniffer.Sniff(Scans.Py(pickle)));

    [Theory]
    [InlineData("# README\nThis model is great.\n")]
    [InlineData("{\"architectures\": [\"BertModel\"]}")]
    [InlineData("import os\nprint(1)\n")]
    [InlineData("little")]
    public void Text_is_not_a_model(string text) =>
        Assert.Equal(ModelFormat.Unknown, ModelFileSniffer.Sniff(Scans.Latin1(text)));
}

using System.Text;
using static Wharf.Core.Tests.Fixtures;

namespace Wharf.Core.Tests;

/// <summary>The image-spec's JSON rules (I-JSON, RFC 7493): UTF-8, no duplicate names.</summary>
public class ManifestParserJsonTests
{
    private static byte[] WithAnnotationBytes(params byte[] value)
    {
        var prefix = OciManifest().ToJsonString()[..^1] + ",\"annotations\":{\"k\":\"";
        return [.. Encoding.UTF8.GetBytes(prefix), .. value, .. "\"}}"u8];
    }

    [Fact]
    public void Accepts_utf8_text_in_strings()
    {
        var m = ManifestParser.Parse(WithAnnotationBytes(Encoding.UTF8.GetBytes("café ☕ 模型")), null);
        Assert.True(m.Ok, m.Error?.Message);
        Assert.Equal("café ☕ 模型", m.Value.Annotations!["k"]);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]             // bad continuation byte
    [InlineData(new byte[] { 0xFF })]                   // never valid in UTF-8
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // encoded surrogate
    [InlineData(new byte[] { 0xC0, 0xAF })]             // overlong "/"
    public void Refuses_invalid_utf8_inside_strings(byte[] bad) =>
        AssertInvalid(ManifestParser.Parse(WithAnnotationBytes(bad), null));

    [Fact]
    public void Refuses_a_lone_surrogate_escape() =>
        AssertInvalid(Parse(OciManifest().ToJsonString()[..^1] + ",\"annotations\":{\"k\":\"\\ud800\"}}"));

    [Theory]
    [InlineData("schemaVersion", "2")]
    [InlineData("mediaType", "\"application/vnd.oci.image.manifest.v1+json\"")]
    [InlineData("layers", "[]")]
    public void Refuses_duplicate_names_at_the_top(string name, string value)
    {
        // Without the duplicate the document is valid; with it, readers that keep the first and the last value disagree.
        var json = OciManifest().ToJsonString();
        Assert.True(Parse(json).Ok);
        AssertInvalid(Parse(json[..^1] + $",\"{name}\":{value}}}"));
    }

    [Fact]
    public void Refuses_duplicate_names_in_descriptors_and_annotations()
    {
        var json = OciManifest().ToJsonString();
        var twoDigests = json.Replace("\"digest\":\"" + ConfigDigest + "\"", $"\"digest\":\"{ConfigDigest}\",\"digest\":\"{LayerDigest}\"");
        Assert.NotEqual(json, twoDigests);
        AssertInvalid(Parse(twoDigests));
        AssertInvalid(Parse(json[..^1] + ",\"annotations\":{\"k\":\"a\",\"k\":\"b\"}}"));
    }
}

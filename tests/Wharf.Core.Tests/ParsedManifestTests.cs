using System.Text.Json.Nodes;
using static Wharf.Core.Tests.Fixtures;

namespace Wharf.Core.Tests;

public class ParsedManifestTests
{
    [Fact]
    public void Effective_artifact_type_is_the_artifact_type_when_set() =>
        Assert.Equal("application/x.a+json", ParseOk(OciManifest().With(d => d["artifactType"] = "application/x.a+json")).EffectiveArtifactType);

    [Fact]
    public void Effective_artifact_type_falls_back_to_the_config_media_type() =>
        Assert.Equal(MediaTypes.OciConfig, ParseOk(OciManifest()).EffectiveArtifactType);

    [Fact]
    public void An_index_has_an_artifact_type_only_when_it_says_so()
    {
        Assert.Null(ParseOk(OciIndex()).EffectiveArtifactType);
        Assert.Equal("application/x.a+json", ParseOk(OciIndex().With(d => d["artifactType"] = "application/x.a+json")).EffectiveArtifactType);
    }

    [Fact]
    public void Blobs_are_the_config_then_the_layers_in_order()
    {
        var second = Descriptor(MediaTypes.OciLayerTarZstd, ChildDigest, 9);
        var m = ParseOk(OciManifest().With(d => ((JsonArray)d["layers"]!).Add(second)));
        Assert.Equal([ConfigDigest, LayerDigest, ChildDigest], m.Blobs.Select(b => b.Digest.ToString()));
    }

    [Fact]
    public void An_index_needs_no_blobs() => Assert.Empty(ParseOk(OciIndex()).Blobs);

    [Theory]
    [InlineData(MediaTypes.OciIndex, true)]
    [InlineData(MediaTypes.DockerManifestList, true)]
    [InlineData(MediaTypes.OciManifest, false)]
    [InlineData(MediaTypes.DockerManifest, false)]
    [InlineData(MediaTypes.OciConfig, false)]
    public void Index_media_types_are_known(string mediaType, bool isIndex) => Assert.Equal(isIndex, MediaTypes.IsIndex(mediaType));

    [Fact]
    public void The_accepted_manifest_types_are_the_four_of_oci_and_docker() =>
        Assert.Equal(
            new HashSet<string> { MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList },
            MediaTypes.Manifests);

    [Fact]
    public void The_empty_json_digest_is_the_digest_of_an_empty_object() =>
        Assert.Equal(MediaTypes.EmptyJsonDigest, Digest.Compute("{}"u8).ToString());
}

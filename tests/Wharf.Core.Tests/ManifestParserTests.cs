using System.Text.Json.Nodes;
using static Wharf.Core.Tests.Fixtures;

namespace Wharf.Core.Tests;

/// <summary>What the parser accepts, and what it reads from it.</summary>
public class ManifestParserTests
{
    [Fact]
    public void Parses_an_oci_image_manifest()
    {
        var m = ParseOk(OciManifest(), MediaTypes.OciManifest);
        Assert.Equal(MediaTypes.OciManifest, m.MediaType);
        Assert.False(m.IsIndex);
        Assert.Equal(new Descriptor(MediaTypes.OciConfig, Digest.Parse(ConfigDigest), 7023), m.Config);
        var layer = Assert.Single(m.Layers);
        Assert.Equal(MediaTypes.OciLayerTarGzip, layer.MediaType);
        Assert.Equal(Digest.Parse(LayerDigest), layer.Digest);
        Assert.Equal(32654, layer.Size);
        Assert.Empty(m.Manifests);
        Assert.Null(m.Subject);
        Assert.Null(m.ArtifactType);
        Assert.Null(m.Annotations);
    }

    [Fact]
    public void Parses_an_oci_index()
    {
        var m = ParseOk(OciIndex().With(i => i["annotations"] = new JsonObject { ["k"] = "v" }), MediaTypes.OciIndex);
        Assert.Equal(MediaTypes.OciIndex, m.MediaType);
        Assert.True(m.IsIndex);
        Assert.Null(m.Config);
        Assert.Empty(m.Layers);
        var child = Assert.Single(m.Manifests);
        Assert.Equal(new Descriptor(MediaTypes.OciManifest, Digest.Parse(ChildDigest), 7143), child);
        Assert.Equal("v", m.Annotations!["k"]);
    }

    [Fact]
    public void Parses_a_docker_schema2_manifest()
    {
        var m = ParseOk(DockerManifest(), MediaTypes.DockerManifest);
        Assert.Equal(MediaTypes.DockerManifest, m.MediaType);
        Assert.Equal(MediaTypes.DockerConfig, m.Config!.MediaType);
        Assert.Equal(MediaTypes.DockerLayer, Assert.Single(m.Layers).MediaType);
    }

    [Fact]
    public void Parses_a_docker_manifest_list()
    {
        var m = ParseOk(DockerManifestList(), MediaTypes.DockerManifestList);
        Assert.Equal(MediaTypes.DockerManifestList, m.MediaType);
        Assert.True(m.IsIndex);
        Assert.Equal(MediaTypes.DockerManifest, Assert.Single(m.Manifests).MediaType);
    }

    [Fact]
    public void Parses_a_docker_manifest_with_a_foreign_layer()
    {
        var layer = Descriptor(MediaTypes.DockerForeignLayer, LayerDigest, 1);
        layer["urls"] = new JsonArray("https://example.com/layer.tar.gz");
        var m = ParseOk(DockerManifest().With(d => ((JsonArray)d["layers"]!).Add(layer)));
        Assert.Equal(2, m.Layers.Count);
    }

    [Theory]
    [InlineData(MediaTypes.OciManifest)]
    [InlineData(MediaTypes.OciIndex)]
    public void Reads_subject_artifact_type_and_annotations(string mediaType)
    {
        var doc = mediaType == MediaTypes.OciIndex ? OciIndex() : OciManifest();
        var m = ParseOk(doc.With(d =>
        {
            d["subject"] = Subject();
            d["artifactType"] = "application/vnd.example.sbom.v1+json";
            d["annotations"] = new JsonObject { ["org.opencontainers.image.created"] = "2024-01-01T00:00:00Z" };
        }), mediaType);
        Assert.Equal(new Descriptor(MediaTypes.OciManifest, Digest.Parse(SubjectDigest), 7682), m.Subject);
        Assert.Equal("application/vnd.example.sbom.v1+json", m.ArtifactType);
        Assert.Equal("2024-01-01T00:00:00Z", m.Annotations!["org.opencontainers.image.created"]);
    }

    [Fact]
    public void Parses_an_artifact_with_the_empty_config()
    {
        var m = ParseOk(OciManifest().With(d =>
        {
            d["artifactType"] = "application/vnd.cncf.model.manifest.v1+json";
            d["config"] = EmptyConfig();
            d["layers"] = new JsonArray(Descriptor(MediaTypes.OciEmpty, MediaTypes.EmptyJsonDigest, 2));
        }));
        Assert.Equal(MediaTypes.OciEmpty, m.Config!.MediaType);
        Assert.Equal(Digest.Parse(MediaTypes.EmptyJsonDigest), m.Config.Digest);
        Assert.Equal(2, m.Config.Size);
        Assert.Equal("application/vnd.cncf.model.manifest.v1+json", m.EffectiveArtifactType);
    }

    [Fact]
    public void Reads_descriptor_artifact_type_and_annotations()
    {
        var child = Descriptor(MediaTypes.OciManifest, ChildDigest, 506);
        child["artifactType"] = "application/vnd.example+type";
        child["annotations"] = new JsonObject { ["a"] = "1", ["b"] = "" };
        var m = ParseOk(OciIndex().With(i => i["manifests"] = new JsonArray(child)));
        var d = Assert.Single(m.Manifests);
        Assert.Equal("application/vnd.example+type", d.ArtifactType);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "" }, d.Annotations);
    }

    [Fact]
    public void Accepts_empty_layers_and_empty_manifests()
    {
        // image-spec 1.1: layers SHOULD (not MUST) have an entry; an index MAY list no manifests.
        Assert.Empty(ParseOk(OciManifest().With(d => d["layers"] = new JsonArray())).Layers);
        Assert.Empty(ParseOk(OciIndex().With(d => d["manifests"] = new JsonArray())).Manifests);
    }

    [Fact]
    public void Accepts_sha512_descriptors_zero_sizes_and_null_annotations()
    {
        var sha512 = Digest.Compute("x"u8, Digest.Sha512).ToString();
        var m = ParseOk(OciManifest().With(d =>
        {
            d["layers"] = new JsonArray(Descriptor(MediaTypes.OctetStream, sha512, 0));
            d["annotations"] = null;
        }));
        Assert.Equal(Digest.Sha512, m.Layers[0].Digest.Algorithm);
        Assert.Equal(0, m.Layers[0].Size);
        Assert.Null(m.Annotations);
    }

    [Fact]
    public void Accepts_sizes_up_to_int64_max()
    {
        var m = ParseOk(OciManifest().With(d => d["layers"]![0]!["size"] = long.MaxValue));
        Assert.Equal(long.MaxValue, m.Layers[0].Size);
    }

    [Fact]
    public void Ignores_unknown_properties()
    {
        var m = ParseOk(OciManifest().With(d =>
        {
            d["x-vendor"] = new JsonObject { ["nested"] = new JsonArray(1, 2) };
            d["config"]!["data"] = "e30=";
        }));
        Assert.NotNull(m.Config);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData(MediaTypes.OciManifest + "; charset=utf-8")]
    [InlineData("  APPLICATION/VND.OCI.IMAGE.MANIFEST.V1+JSON ")]
    public void Accepts_a_content_type_that_agrees_or_says_nothing(string? contentType) =>
        Assert.Equal(MediaTypes.OciManifest, ParseOk(OciManifest(), contentType).MediaType);

    [Theory]
    [InlineData(MediaTypes.OciManifest, MediaTypes.OciManifest)]
    [InlineData(MediaTypes.DockerManifest, MediaTypes.DockerManifest)]
    [InlineData(null, MediaTypes.OciManifest)]
    [InlineData("application/json", MediaTypes.OciManifest)]
    public void Without_a_body_media_type_takes_the_content_type_or_the_shape(string? contentType, string expected)
    {
        var doc = OciManifest().With(d => d.Remove("mediaType"));
        Assert.Equal(expected, ParseOk(doc, contentType).MediaType);
    }

    [Theory]
    [InlineData(MediaTypes.OciIndex, MediaTypes.OciIndex)]
    [InlineData(MediaTypes.DockerManifestList, MediaTypes.DockerManifestList)]
    [InlineData(null, MediaTypes.OciIndex)]
    public void Without_a_body_media_type_an_index_is_known_by_its_manifests(string? contentType, string expected)
    {
        var doc = OciIndex().With(d => d.Remove("mediaType"));
        Assert.Equal(expected, ParseOk(doc, contentType).MediaType);
    }

    [Fact]
    public void Accepts_whitespace_and_a_bare_minimum_document()
    {
        const string json = """

            { "schemaVersion" : 2 ,
              "config" : { "mediaType" : "application/vnd.oci.image.config.v1+json", "size" : 1,
                           "digest" : "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7" },
              "layers" : [ ] }

            """;
        Assert.Equal(MediaTypes.OciManifest, ParseOk(json).MediaType);
    }

    [Fact]
    public void Parses_a_manifest_with_thousands_of_layers()
    {
        // The 4 MiB bound is the server's to enforce before parsing; the parser takes whatever it is given.
        Assert.Equal(4 * 1024 * 1024, ManifestParser.DefaultMaxBytes);
        var layers = new JsonArray();
        for (int i = 0; i < 5000; i++) layers.Add(Descriptor(MediaTypes.OciLayerTarGzip, LayerDigest, i));
        var m = ParseOk(OciManifest().With(d => d["layers"] = layers));
        Assert.Equal(5000, m.Layers.Count);
        Assert.Equal(4999, m.Layers[^1].Size);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("  ", null)]
    [InlineData("application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.manifest.v1+json")]
    [InlineData("Application/JSON; charset=UTF-8", "application/json")]
    [InlineData(" text/plain ;q=1", "text/plain")]
    public void NormalizeContentType_strips_parameters_case_and_space(string? input, string? expected) =>
        Assert.Equal(expected, ManifestParser.NormalizeContentType(input));
}

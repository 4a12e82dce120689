using System.Text;
using System.Text.Json.Nodes;
using static Wharf.Core.Tests.Fixtures;

namespace Wharf.Core.Tests;

/// <summary>What the parser refuses: always MANIFEST_INVALID with a message, never an exception.</summary>
public class ManifestParserRejectsTests
{
    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("not json")]
    [InlineData("{")]
    [InlineData("{\"schemaVersion\": 2,}")]
    [InlineData("{'schemaVersion': 2}")]
    [InlineData("{\"schemaVersion\": 2} trailing")]
    [InlineData("{\"schemaVersion\": 2}{}")]
    [InlineData("null")]
    [InlineData("2")]
    [InlineData("\"manifest\"")]
    [InlineData("[]")]
    [InlineData("[{\"schemaVersion\": 2}]")]
    public void Refuses_what_is_not_a_json_object(string body) => AssertInvalid(Parse(body));

    [Fact]
    public void Refuses_invalid_utf8() =>
        AssertInvalid(ManifestParser.Parse([(byte)'{', 0xC3, 0x28, (byte)'}'], null));

    [Fact]
    public void Refuses_nesting_deeper_than_the_limit()
    {
        var deep = new StringBuilder("{\"schemaVersion\":2,\"x\":");
        for (int i = 0; i < 100; i++) deep.Append('[');
        for (int i = 0; i < 100; i++) deep.Append(']');
        AssertInvalid(Parse(deep.Append('}').ToString()));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"foo\": \"bar\"}")]
    [InlineData("{\"schemaVersion\": 2}")]
    [InlineData("{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\"}")]
    [InlineData("{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.config.v1+json\"}")]
    [InlineData("{\"architecture\": \"amd64\", \"os\": \"linux\", \"rootfs\": {\"type\": \"layers\", \"diff_ids\": []}}")]
    [InlineData("{\"imageLayoutVersion\": \"1.0.0\"}")]
    public void Refuses_json_that_is_not_a_manifest(string body) => AssertInvalid(Parse(body));

    public static TheoryData<string, string> BadDocuments()
    {
        var data = new TheoryData<string, string>();
        void Add(string name, JsonObject doc, Action<JsonObject> change) => data.Add(name, doc.With(change));
        static JsonNode Config(JsonObject d) => d["config"]!;
        static JsonNode Layer(JsonObject d) => d["layers"]![0]!;

        // schemaVersion
        Add("schemaVersion missing", OciManifest(), d => d.Remove("schemaVersion"));
        Add("schemaVersion 1", OciManifest(), d => d["schemaVersion"] = 1);
        Add("schemaVersion 3", OciManifest(), d => d["schemaVersion"] = 3);
        Add("schemaVersion \"2\"", OciManifest(), d => d["schemaVersion"] = "2");
        Add("schemaVersion 2.5", OciManifest(), d => d["schemaVersion"] = 2.5);
        Add("schemaVersion null", OciManifest(), d => d["schemaVersion"] = null);
        Add("docker schema 1", new JsonObject { ["schemaVersion"] = 1, ["name"] = "a/b", ["tag"] = "v1",
            ["architecture"] = "amd64", ["fsLayers"] = new JsonArray(new JsonObject { ["blobSum"] = LayerDigest }) }, _ => { });
        // media types
        Add("unsupported mediaType", OciManifest(), d => d["mediaType"] = "application/vnd.oci.image.config.v1+json");
        Add("schema1 mediaType", OciManifest(), d => d["mediaType"] = "application/vnd.docker.distribution.manifest.v1+prettyjws");
        Add("mediaType not a string", OciManifest(), d => d["mediaType"] = 1);
        Add("mediaType uppercase", OciManifest(), d => d["mediaType"] = MediaTypes.OciManifest.ToUpperInvariant());
        Add("artifactType not a media type", OciManifest(), d => d["artifactType"] = "sbom");
        Add("artifactType not a string", OciManifest(), d => d["artifactType"] = new JsonObject());
        Add("empty config without artifactType", OciManifest(), d => d["config"] = EmptyConfig());
        // config and layers
        Add("config missing", OciManifest(), d => d.Remove("config"));
        Add("config null", OciManifest(), d => d["config"] = null);
        Add("config a string", OciManifest(), d => d["config"] = ConfigDigest);
        Add("layers missing", OciManifest(), d => d.Remove("layers"));
        Add("layers an object", OciManifest(), d => d["layers"] = Descriptor(MediaTypes.OciLayerTar, LayerDigest, 1));
        Add("layers hold a string", OciManifest(), d => d["layers"] = new JsonArray(LayerDigest));
        Add("image manifest with manifests", OciManifest(), d => d["manifests"] = new JsonArray());
        // descriptors
        Add("descriptor without mediaType", OciManifest(), d => Config(d).AsObject().Remove("mediaType"));
        Add("descriptor mediaType empty", OciManifest(), d => Config(d)["mediaType"] = "");
        Add("descriptor mediaType without subtype", OciManifest(), d => Config(d)["mediaType"] = "invalid");
        Add("descriptor mediaType with parameters", OciManifest(), d => Layer(d)["mediaType"] = "text/plain; charset=utf-8");
        Add("descriptor mediaType two slashes", OciManifest(), d => Layer(d)["mediaType"] = "a/b/c");
        Add("descriptor mediaType with space", OciManifest(), d => Layer(d)["mediaType"] = "text/pl ain");
        Add("descriptor mediaType leading dot", OciManifest(), d => Layer(d)["mediaType"] = ".foo/bar");
        Add("descriptor mediaType subtype leading dot", OciManifest(), d => Layer(d)["mediaType"] = "foo/.bar");
        Add("descriptor mediaType type too long", OciManifest(), d => Layer(d)["mediaType"] = new string('a', 128) + "/bar");
        Add("descriptor mediaType subtype too long", OciManifest(), d => Layer(d)["mediaType"] = "foo/" + new string('a', 128));
        Add("descriptor mediaType a number", OciManifest(), d => Layer(d)["mediaType"] = 7);
        Add("descriptor without digest", OciManifest(), d => Layer(d).AsObject().Remove("digest"));
        Add("descriptor digest uppercase", OciManifest(), d => Layer(d)["digest"] = LayerDigest.ToUpperInvariant());
        Add("descriptor digest hex uppercase", OciManifest(), d => Layer(d)["digest"] = "sha256:" + LayerDigest[7..].ToUpperInvariant());
        Add("descriptor digest short", OciManifest(), d => Layer(d)["digest"] = LayerDigest[..^1]);
        Add("descriptor digest unknown algorithm", OciManifest(), d => Layer(d)["digest"] = "md5:d41d8cd98f00b204e9800998ecf8427e");
        Add("descriptor digest without colon", OciManifest(), d => Layer(d)["digest"] = LayerDigest.Replace(":", ""));
        Add("descriptor digest empty", OciManifest(), d => Layer(d)["digest"] = "");
        Add("descriptor without size", OciManifest(), d => Layer(d).AsObject().Remove("size"));
        Add("descriptor negative size", OciManifest(), d => Layer(d)["size"] = -1);
        Add("descriptor size a string", OciManifest(), d => Config(d)["size"] = "1470");
        Add("descriptor size fractional", OciManifest(), d => Config(d)["size"] = 1.5);
        Add("descriptor size null", OciManifest(), d => Config(d)["size"] = null);
        Add("descriptor size beyond int64", OciManifest(), d => Config(d)["size"] = JsonNode.Parse("9223372036854775808"));
        Add("descriptor artifactType invalid", OciIndex(), d => d["manifests"]![0]!["artifactType"] = "application/.x");
        Add("descriptor annotation not a string", OciManifest(), d => Layer(d)["annotations"] = new JsonObject { ["n"] = 1 });
        // annotations
        Add("annotation a number", OciManifest(), d => d["annotations"] = new JsonObject { ["k"] = 1 });
        Add("annotation a bool", OciManifest(), d => d["annotations"] = new JsonObject { ["k"] = true });
        Add("annotation null", OciManifest(), d => d["annotations"] = new JsonObject { ["k"] = null });
        Add("annotation an object", OciManifest(), d => d["annotations"] = new JsonObject { ["k"] = new JsonObject() });
        Add("annotations an array", OciManifest(), d => d["annotations"] = new JsonArray("k", "v"));
        Add("annotations a string", OciManifest(), d => d["annotations"] = "k=v");
        Add("index annotation a number", OciIndex(), d => d["annotations"] = new JsonObject { ["k"] = 1 });
        // subject
        Add("subject a string", OciManifest(), d => d["subject"] = "nope");
        Add("subject bad digest", OciManifest(), d => d["subject"] = Descriptor(MediaTypes.OciManifest, "sha256:nope", 1));
        Add("subject without size", OciIndex(), d => d["subject"] = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = SubjectDigest });
        // indexes
        Add("index without manifests", OciIndex(), d => d.Remove("manifests"));
        Add("index manifests null", OciIndex(), d => d["manifests"] = null);
        Add("index with layers", OciIndex(), d => d["layers"] = new JsonArray(Descriptor(MediaTypes.OciLayerTar, LayerDigest, 1)));
        Add("index with empty layers", OciIndex(), d => d["layers"] = new JsonArray());
        Add("index with config", OciIndex(), d => d["config"] = Descriptor(MediaTypes.OciConfig, ConfigDigest, 1));
        Add("index child without mediaType", OciIndex(), d => d["manifests"]![0]!.AsObject().Remove("mediaType"));
        Add("index child negative size", OciIndex(), d => d["manifests"]![0]!["size"] = -7143);
        Add("index child bad digest", OciIndex(), d => d["manifests"]![0]!["digest"] = "sha256:xyz");
        Add("manifest list with layers", DockerManifestList(), d => d["layers"] = new JsonArray());
        // Docker schema 2 has neither subject nor artifactType
        Add("docker manifest with subject", DockerManifest(), d => d["subject"] = Subject());
        Add("docker manifest with artifactType", DockerManifest(), d => d["artifactType"] = "application/vnd.example+type");
        Add("docker manifest list with subject", DockerManifestList(), d => d["subject"] = Subject());
        Add("docker manifest list with artifactType", DockerManifestList(), d => d["artifactType"] = "application/vnd.example+type");
        Add("docker manifest without config", DockerManifest(), d => d.Remove("config"));
        return data;
    }

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void Refuses_malformed_manifests(string name, string json)
    {
        Assert.NotEmpty(name);
        AssertInvalid(Parse(json));
    }

    [Theory]
    [InlineData(MediaTypes.OciManifest, MediaTypes.OciIndex)]
    [InlineData(MediaTypes.OciManifest, MediaTypes.DockerManifest)]
    [InlineData(MediaTypes.DockerManifest, MediaTypes.OciManifest)]
    [InlineData(MediaTypes.OciIndex, MediaTypes.DockerManifestList)]
    [InlineData(MediaTypes.DockerManifestList, MediaTypes.OciIndex + "; charset=utf-8")]
    public void Refuses_a_body_media_type_that_disagrees_with_the_content_type(string body, string contentType)
    {
        var doc = MediaTypes.IsIndex(body) ? OciIndex() : OciManifest();
        AssertInvalid(Parse(doc.With(d => d["mediaType"] = body), contentType));
    }

    [Theory]
    [InlineData(MediaTypes.OciIndex)]
    [InlineData(MediaTypes.DockerManifestList)]
    public void Refuses_a_manifest_whose_shape_disagrees_with_the_content_type(string contentType) =>
        AssertInvalid(Parse(OciManifest().With(d => d.Remove("mediaType")), contentType));

    [Fact]
    public void Refuses_an_index_sent_as_an_image_manifest() =>
        AssertInvalid(Parse(OciIndex().With(d => d.Remove("mediaType")), MediaTypes.OciManifest));
}

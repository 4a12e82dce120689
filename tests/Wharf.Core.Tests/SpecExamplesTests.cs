using System.Text.Json.Nodes;
using static Wharf.Core.Tests.Fixtures;

namespace Wharf.Core.Tests;

/// <summary>
/// The examples of opencontainers/image-spec (manifest.md, image-index.md and the valid cases of the schema tests
/// in schema/*_test.go) and of the Docker schema 2 spec (distribution docs/spec/manifest-v2-2.md): the parser must
/// accept every valid one and refuse the invalid ones the registry checks.
/// </summary>
public class SpecExamplesTests
{
    private const string Sha = "sha256:c86f7763873b6c0aae22d963bab59b4f5debbed6685761b5951584f6efb0633b";

    // image-spec manifest.md, "Example Image Manifest".
    private const string ImageSpecManifest = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7","size":7023},
         "layers":[
          {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0","size":32654},
          {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b","size":16724},
          {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736","size":73109}],
         "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270","size":7682},
         "annotations":{"com.example.key1":"value1","com.example.key2":"value2"}}
        """;

    // image-spec image-index.md, "Example Image Index with multiple media types" (the first example is its prefix).
    private const string ImageSpecIndex = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
         "manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":7143,"digest":"sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f","platform":{"architecture":"ppc64le","os":"linux"}},
          {"mediaType":"application/vnd.oci.image.index.v1+json","size":7682,"digest":"sha256:601570aaff1b68a61eb9c85b8beca1644e698003e0cdb5bce960f193d265a8b7"}],
         "annotations":{"com.example.key1":"value1","com.example.key2":"value2"}}
        """;

    // Docker manifest-v2-2.md, "Example Manifest List" and "Example Image Manifest".
    private const string DockerList = """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
         "manifests":[
          {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f","size":7143,"platform":{"architecture":"ppc64le","os":"linux"}},
          {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270","size":7682,"platform":{"architecture":"amd64","os":"linux","features":["sse4"]}}]}
        """;

    private const string DockerImage = """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
         "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7","size":7023},
         "layers":[
          {"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f","size":32654},
          {"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b","size":16724},
          {"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736","size":73109}]}
        """;

    public static TheoryData<string, string, string> Valid()
    {
        var data = new TheoryData<string, string, string>
        {
            { "manifest.md example", ImageSpecManifest, MediaTypes.OciManifest },
            { "image-index.md example", ImageSpecIndex, MediaTypes.OciIndex },
            { "manifest-v2-2.md manifest list", DockerList, MediaTypes.DockerManifestList },
            { "manifest-v2-2.md image manifest", DockerImage, MediaTypes.DockerManifest },
        };
        void Manifest(string name, Action<JsonObject> change) => data.Add(name, OciManifest().With(change), MediaTypes.OciManifest);
        void Index(string name, Action<JsonObject> change) => data.Add(name, OciIndex().With(change), MediaTypes.OciIndex);
        JsonNode Layer(JsonObject layer) => new JsonArray(layer);

        // schema/manifest_test.go
        Manifest("manifest with optional fields", d => d["annotations"] = new JsonObject { ["key1"] = "value1", ["key2"] = "value2" });
        Manifest("manifest with required fields only", d => d.Remove("mediaType"));
        Manifest("manifest with subject", d => d["subject"] = Descriptor(MediaTypes.OciManifest, Sha, 1234));
        Manifest("artifact with dedicated config", d =>
        {
            d["config"] = Descriptor("application/vnd.example.config+json", Sha, 1470);
            d["layers"] = Layer(Descriptor("application/vnd.example.data+type", Sha, 675598));
        });
        Manifest("artifact with empty config", d =>
        {
            d["artifactType"] = "application/vnd.example+type";
            d["config"] = EmptyConfig();
            d["layers"] = Layer(Descriptor("application/vnd.example+type", Sha, 675598));
        });
        // schema/imageindex_test.go
        Index("index with required fields only", _ => { });
        Index("index with customized child media type", d => d["manifests"]![0]!["mediaType"] = "application/customized.manifest+json");
        Index("index with artifactType", d =>
        {
            d["artifactType"] = "application/vnd.example+type";
            d["manifests"]![0]!["artifactType"] = "application/vnd.example1+type";
        });
        Index("index with subject", d => d["subject"] = Descriptor(MediaTypes.OciManifest, Sha, 1234));
        // schema/descriptor_test.go, as layers
        Manifest("zero-length blob", d => d["layers"] = Layer(Descriptor(MediaTypes.OctetStream,
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0)));
        Manifest("longest media type", d => d["layers"]![0]!["mediaType"] = new string('1', 127) + "/" + new string('2', 127));
        Manifest("descriptor with urls", d => d["layers"]![0]!["urls"] = new JsonArray("https://example.com/foo"));
        Manifest("descriptor with artifactType", d => d["layers"]![0]!["artifactType"] = MediaTypes.OciManifest);
        Manifest("descriptor with data", d =>
        {
            var layer = Descriptor("text/plain", "sha256:2690af59371e9eca9453dc29882643f46e5ca47ec2862bd517b5e17351325153", 34);
            layer["data"] = "aHR0cHM6Ly9naXRodWIuY29tL29wZW5jb250YWluZXJzCg==";
            d["layers"] = Layer(layer);
        });
        Manifest("empty descriptor with data", d =>
        {
            d["artifactType"] = "application/vnd.example+type";
            var config = EmptyConfig();
            config["data"] = "e30=";
            d["config"] = config;
        });
        return data;
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Accepts_every_valid_example(string name, string json, string mediaType)
    {
        Assert.NotEmpty(name);
        Assert.Equal(mediaType, ParseOk(json, mediaType).MediaType);
        Assert.Equal(mediaType, ParseOk(json).MediaType);
    }

    [Fact]
    public void Reads_the_manifest_example_fully()
    {
        var m = ParseOk(ImageSpecManifest);
        Assert.Equal(7023, m.Config!.Size);
        Assert.Equal([32654L, 16724L, 73109L], m.Layers.Select(l => l.Size));
        Assert.Equal(Digest.Parse(SubjectDigest), m.Subject!.Digest);
        Assert.Equal(2, m.Annotations!.Count);
        Assert.Equal(MediaTypes.OciConfig, m.EffectiveArtifactType);
    }

    [Theory]
    [InlineData("sha256+b64:c86f7763873b6c0aae22d963bab59b4f5debbed6685761b5951584f6efb0633b")]
    [InlineData("sha256+foo-bar:c86f7763873b6c0aae22d963bab59b4f5debbed6685761b5951584f6efb0633b")]
    [InlineData("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8")]
    [InlineData("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564")]
    public void Refuses_digest_algorithms_it_cannot_verify(string digest) =>
        // Valid to the schema's grammar, but the registry only stores what it can verify (sha256, sha512);
        // the distribution spec has it answer an unsupported algorithm with 400.
        AssertInvalid(Parse(OciManifest().With(d => d["layers"]![0]!["digest"] = digest)));

    public static TheoryData<string, string> Invalid()
    {
        var data = new TheoryData<string, string>();
        void Layer(string name, Action<JsonObject> change) => data.Add(name, OciManifest().With(d => change(d["layers"]![0]!.AsObject())));
        Layer("mediaType 'invalid'", l => l["mediaType"] = "invalid");
        Layer("mediaType empty", l => l["mediaType"] = "");
        Layer("mediaType missing", l => l.Remove("mediaType"));
        Layer("mediaType without subtype", l => l["mediaType"] = "application");
        Layer("mediaType invalid first type character", l => l["mediaType"] = ".foo/bar");
        Layer("mediaType invalid first subtype character", l => l["mediaType"] = "foo/.bar");
        Layer("mediaType type too long", l => l["mediaType"] = new string('1', 128) + "/bar");
        Layer("mediaType subtype too long", l => l["mediaType"] = "foo/" + new string('1', 128));
        Layer("size missing", l => l.Remove("size"));
        Layer("size a string", l => l["size"] = "675598");
        Layer("size negative", l => l["size"] = -1);
        Layer("digest missing", l => l.Remove("digest"));
        Layer("digest without algorithm", l => l["digest"] = ":5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270");
        Layer("digest without hash", l => l["digest"] = "sha256");
        Layer("digest algorithm uppercase", l => l["digest"] = "SHA256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270");
        Layer("digest hex uppercase", l => l["digest"] = "sha256:5B0BCABD1ED22E9FB1310CF6C2DEC7CDEF19F0AD69EFA1F392E94A4333501270");
        Layer("digest repeated separators", l => l["digest"] = "sha256+foo+-b:" + Sha[7..]);
        Layer("artifactType invalid first subtype character", l => l["artifactType"] = "foo/.bar");
        data.Add("subject not a descriptor", OciManifest().With(d => d["subject"] = ".nope"));
        data.Add("index subject not a descriptor", OciIndex().With(d => d["subject"] = "nope"));
        data.Add("index child mediaType 'invalid'", OciIndex().With(d => d["manifests"]![0]!["mediaType"] = "invalid"));
        data.Add("index child size a string", OciIndex().With(d => d["manifests"]![0]!["size"] = "7682"));
        data.Add("index child without digest", OciIndex().With(d => d["manifests"]![0]!.AsObject().Remove("digest")));
        return data;
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Refuses_the_invalid_examples(string name, string json)
    {
        Assert.NotEmpty(name);
        AssertInvalid(Parse(json));
    }
}

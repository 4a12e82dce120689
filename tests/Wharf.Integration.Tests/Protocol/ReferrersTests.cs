using System.Net;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>end-12a/12b: GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;[?artifactType=].</summary>
public sealed class ReferrersTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    private const string Sbom = "application/vnd.example.sbom.v1";
    private const string Signature = "application/vnd.example.signature.v1";
    private const string ExampleConfig = "application/vnd.example.config.v1+json";

    [Fact]
    public async Task Lists_every_referrer_with_artifactType_and_annotations()
    {
        string repo = NewRepo();
        var subject = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, subject, "v1");

        var sbom = Images.Artifact(subject.Descriptor(), Sbom, new Dictionary<string, string> { ["org.example.sbom.format"] = "json" });
        var signature = Images.Artifact(subject.Descriptor(), Signature, new Dictionary<string, string> { ["org.example.signature.fingerprint"] = "abcd" });
        // No artifactType: the referrers list takes the config's media type.
        var untyped = Images.Artifact(subject.Descriptor(), null, configMediaType: ExampleConfig);
        // An index referrer without artifactType: the descriptor has no artifactType.
        var child = Images.Artifact(null, "application/vnd.example.part.v1");
        var indexReferrer = Images.IndexReferrer(subject.Descriptor(), child, null, new Dictionary<string, string> { ["org.example.kind"] = "bundle" });

        foreach (var artifact in new[] { sbom, signature, untyped, indexReferrer })
        {
            await Registry.PushImageAsync(repo, artifact);
        }

        var index = await Registry.ReferrersAsync(repo, subject.Digest);
        AssertIsIndex(index);
        var entries = Entries(index);
        Assert.Equal(4, entries.Count);
        AssertEntry(entries, sbom, Sbom, new() { ["org.example.sbom.format"] = "json" });
        AssertEntry(entries, signature, Signature, new() { ["org.example.signature.fingerprint"] = "abcd" });
        AssertEntry(entries, untyped, ExampleConfig, null);
        AssertEntry(entries, indexReferrer, null, new() { ["org.example.kind"] = "bundle" });
    }

    [Fact]
    public async Task The_artifactType_filter_applies_and_says_so()
    {
        string repo = NewRepo();
        var subject = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, subject, "v1");
        var sbom = Images.Artifact(subject.Descriptor(), Sbom);
        var signature = Images.Artifact(subject.Descriptor(), Signature);
        await Registry.PushImageAsync(repo, sbom);
        await Registry.PushImageAsync(repo, signature);

        using (var get = await Registry.GetAsync($"/v2/{repo}/referrers/{subject.Digest}?artifactType={Uri.EscapeDataString(Sbom)}"))
        {
            await OciAssert.Status(get, HttpStatusCode.OK);
            Assert.Equal("artifactType", OciAssert.Header(get, "OCI-Filters-Applied"));
            Assert.Equal(MediaType.OciIndex, get.Content.Headers.ContentType?.MediaType);
            var entries = Entries((JsonObject)await OciAssert.Json(get));
            Assert.Equal([sbom.Digest], entries.Select(e => e["digest"]!.GetValue<string>()));
        }

        using (var none = await Registry.GetAsync($"/v2/{repo}/referrers/{subject.Digest}?artifactType=application/vnd.example.nothing"))
        {
            await OciAssert.Status(none, HttpStatusCode.OK);
            Assert.Equal("artifactType", OciAssert.Header(none, "OCI-Filters-Applied"));
            Assert.Empty(Entries((JsonObject)await OciAssert.Json(none)));
        }

        // Without the filter: both, and no OCI-Filters-Applied.
        using var all = await Registry.GetAsync($"/v2/{repo}/referrers/{subject.Digest}");
        await OciAssert.Status(all, HttpStatusCode.OK);
        Assert.Null(OciAssert.HeaderOrNull(all, "OCI-Filters-Applied"));
        Assert.Equal(2, Entries((JsonObject)await OciAssert.Json(all)).Count);
    }

    [Fact]
    public async Task No_referrers_is_an_empty_index_with_200()
    {
        string repo = NewRepo();
        var subject = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, subject, "v1");

        foreach (string digest in new[] { subject.Digest, Digests.Unknown() })
        {
            var index = await Registry.ReferrersAsync(repo, digest);
            AssertIsIndex(index);
            Assert.Empty(Entries(index));
        }
    }

    [Fact]
    public async Task An_unknown_repository_is_an_empty_index_or_404_NAME_UNKNOWN()
    {
        using var get = await Registry.GetAsync($"/v2/{NewRepo()}/referrers/{Digests.Unknown()}");
        await OciAssert.StatusIn(get, HttpStatusCode.OK, HttpStatusCode.NotFound);
        if (get.StatusCode == HttpStatusCode.NotFound) await OciAssert.Error(get, HttpStatusCode.NotFound, "NAME_UNKNOWN");
        else Assert.Empty(Entries((JsonObject)await OciAssert.Json(get)));
    }

    [Fact]
    public async Task A_malformed_digest_is_400()
    {
        string repo = NewRepo();
        await Registry.PushImageAsync(repo, Images.Random(layers: 1), "v1");
        using var get = await Registry.GetAsync($"/v2/{repo}/referrers/sha256:nothex");
        await OciAssert.Error(get, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task A_referrer_pushed_before_its_subject_is_listed()
    {
        string repo = NewRepo();
        var subject = Images.Random(layers: 1);
        var sbom = Images.Artifact(subject.Descriptor(), Sbom);
        await Registry.PushImageAsync(repo, sbom);
        Assert.Equal([sbom.Digest], Entries(await Registry.ReferrersAsync(repo, subject.Digest)).Select(e => e["digest"]!.GetValue<string>()));

        await Registry.PushImageAsync(repo, subject, "v1");
        Assert.Equal([sbom.Digest], Entries(await Registry.ReferrersAsync(repo, subject.Digest)).Select(e => e["digest"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Referrers_are_per_repository()
    {
        string repo = NewRepo(), other = NewRepo();
        var subject = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, subject, "v1");
        await Registry.PushImageAsync(other, subject, "v1");
        await Registry.PushImageAsync(repo, Images.Artifact(subject.Descriptor(), Sbom));

        Assert.Single(Entries(await Registry.ReferrersAsync(repo, subject.Digest)));
        Assert.Empty(Entries(await Registry.ReferrersAsync(other, subject.Digest)));
    }

    [Fact]
    public async Task A_referrer_pushed_twice_and_tagged_is_listed_once()
    {
        string repo = NewRepo();
        var subject = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, subject, "v1");
        var sbom = Images.Artifact(subject.Descriptor(), Sbom);
        await Registry.PushImageAsync(repo, sbom);
        await Registry.PushImageAsync(repo, sbom, "sbom");
        await Registry.PushImageAsync(repo, sbom, "sbom-again");
        Assert.Equal([sbom.Digest], Entries(await Registry.ReferrersAsync(repo, subject.Digest)).Select(e => e["digest"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_deleted_referrer_is_no_longer_listed()
    {
        string repo = NewRepo();
        var subject = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, subject, "v1");
        var sbom = Images.Artifact(subject.Descriptor(), Sbom);
        var signature = Images.Artifact(subject.Descriptor(), Signature);
        await Registry.PushImageAsync(repo, sbom);
        await Registry.PushImageAsync(repo, signature, "sig");

        using (var delete = await Registry.DeleteAsync($"/v2/{repo}/manifests/{sbom.Digest}"))
            await OciAssert.Status(delete, HttpStatusCode.Accepted);
        Assert.Equal([signature.Digest], Entries(await Registry.ReferrersAsync(repo, subject.Digest)).Select(e => e["digest"]!.GetValue<string>()));

        // Deleting only the tag of a referrer leaves it a referrer (it is still stored by digest).
        using (var untag = await Registry.DeleteAsync($"/v2/{repo}/manifests/sig"))
            await OciAssert.Status(untag, HttpStatusCode.Accepted);
        Assert.Equal([signature.Digest], Entries(await Registry.ReferrersAsync(repo, subject.Digest)).Select(e => e["digest"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_refused_referrer_is_not_listed()
    {
        string repo = NewRepo();
        var subject = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, subject, "v1");
        var sbom = Images.Artifact(subject.Descriptor(), Sbom);
        // Its layer is never pushed: the manifest is refused, and must not show up as a referrer.
        foreach (var blob in sbom.ExtraBlobs.Take(1)) await Registry.PushBlobAsync(repo, blob);
        using (var put = await Registry.PutManifestAsync(repo, sbom.Digest, sbom.Manifest))
            await OciAssert.ErrorIn(put, [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], "MANIFEST_BLOB_UNKNOWN");
        Assert.Empty(Entries(await Registry.ReferrersAsync(repo, subject.Digest)));
    }

    private static void AssertIsIndex(JsonObject index)
    {
        Assert.Equal(2, index["schemaVersion"]?.GetValue<int>());
        Assert.Equal(MediaType.OciIndex, index["mediaType"]?.GetValue<string>());
        Assert.IsType<JsonArray>(index["manifests"]);
    }

    private static List<JsonObject> Entries(JsonObject index)
    {
        Assert.True(index["manifests"] is JsonArray, $"referrers response has no manifests array: {index.ToJsonString()}");
        return index["manifests"]!.AsArray().Select(n => (JsonObject)n!).ToList();
    }

    private static void AssertEntry(List<JsonObject> entries, TestImage artifact, string? artifactType, Dictionary<string, string>? annotations)
    {
        var entry = entries.SingleOrDefault(e => e["digest"]?.GetValue<string>() == artifact.Digest);
        Assert.True(entry is not null, $"{artifact.Digest} missing from referrers: {string.Join(", ", entries.Select(e => e.ToJsonString()))}");
        Assert.Equal(artifact.MediaType, entry["mediaType"]?.GetValue<string>());
        Assert.Equal(artifact.Manifest.Size, entry["size"]?.GetValue<long>());
        if (artifactType is null) Assert.Null(entry["artifactType"]);
        else Assert.Equal(artifactType, entry["artifactType"]?.GetValue<string>());
        if (annotations is null) return;
        var actual = entry["annotations"] as JsonObject;
        Assert.True(actual is not null, $"referrer {artifact.Digest} has no annotations: {entry.ToJsonString()}");
        foreach (var (key, value) in annotations) Assert.Equal(value, actual[key]?.GetValue<string>());
    }
}

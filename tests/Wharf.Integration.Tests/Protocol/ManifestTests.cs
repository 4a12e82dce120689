using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>end-3 (GET/HEAD), end-7 (PUT) and end-9 (DELETE) of manifests.</summary>
public sealed class ManifestTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    private static readonly string[] AllManifestTypes = [MediaType.OciManifest, MediaType.OciIndex, MediaType.DockerManifest, MediaType.DockerManifestList];

    [Fact]
    public async Task Put_by_tag_answers_201_with_location_and_digest_and_get_returns_the_exact_bytes()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 2);
        foreach (var blob in image.AllBlobs()) await Registry.PushBlobAsync(repo, blob);

        using var put = await Registry.PutManifestAsync(repo, "v1", image.Manifest);
        await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(image.Digest, OciAssert.Header(put, "Docker-Content-Digest"));
        var location = Registry.Location(put);
        Assert.Null(OciAssert.HeaderOrNull(put, "OCI-Subject"));

        // The location is pullable and gives back exactly what was pushed.
        using (var fromLocation = await Registry.GetAsync(location.ToString(), AllManifestTypes))
        {
            await OciAssert.Status(fromLocation, HttpStatusCode.OK);
            Assert.Equal(image.Manifest.Data, await fromLocation.Content.ReadAsByteArrayAsync());
        }

        foreach (string reference in new[] { "v1", image.Digest })
        {
            using var get = await Registry.GetAsync($"/v2/{repo}/manifests/{reference}", MediaType.OciManifest);
            await OciAssert.Status(get, HttpStatusCode.OK);
            Assert.Equal(MediaType.OciManifest, get.Content.Headers.ContentType?.MediaType);
            Assert.Equal(image.Digest, OciAssert.Header(get, "Docker-Content-Digest"));
            Assert.Equal(image.Manifest.Size, get.Content.Headers.ContentLength);
            Assert.Equal(image.Manifest.Data, await get.Content.ReadAsByteArrayAsync());

            using var head = await Registry.HeadAsync($"/v2/{repo}/manifests/{reference}", MediaType.OciManifest);
            await OciAssert.Status(head, HttpStatusCode.OK);
            Assert.Equal(MediaType.OciManifest, head.Content.Headers.ContentType?.MediaType);
            Assert.Equal(image.Digest, OciAssert.Header(head, "Docker-Content-Digest"));
            Assert.Equal(image.Manifest.Size, head.Content.Headers.ContentLength);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Parameters_on_the_content_type_are_ignored_and_none_are_sent_back()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        foreach (var blob in image.AllBlobs()) await Registry.PushBlobAsync(repo, blob);
        var content = new ByteArrayContent(image.Manifest.Data);
        content.Headers.TryAddWithoutValidation("Content-Type", MediaType.OciManifest + "; charset=utf-8");
        using (var put = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repo}/manifests/v1", content))
            await OciAssert.Status(put, HttpStatusCode.Created);

        using var get = await Registry.GetAsync($"/v2/{repo}/manifests/v1", MediaType.OciManifest);
        await OciAssert.Status(get, HttpStatusCode.OK);
        // "The registry SHOULD NOT include parameters on the Content-Type header."
        Assert.Equal(MediaType.OciManifest, OciAssert.Header(get, "Content-Type"));
        Assert.Equal(image.Manifest.Data, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Put_by_digest_stores_an_untagged_manifest()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, image.Digest);
        Assert.Equal(image.Manifest.Data, await Registry.GetManifestAsync(repo, image.Digest));
        Assert.Empty(await Registry.TagsAsync(repo) ?? ["<repository unknown>"]);
    }

    [Fact]
    public async Task Whitespace_and_key_order_are_kept_byte_for_byte()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        foreach (var blob in image.AllBlobs()) await Registry.PushBlobAsync(repo, blob);
        var pretty = OciJson.Parse(image.Manifest.Data).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        var manifest = new Blob(MediaType.OciManifest, Encoding.UTF8.GetBytes("\n  " + pretty + "\n\n"));

        using var put = await Registry.PutManifestAsync(repo, "pretty", manifest);
        await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(manifest.Digest, OciAssert.Header(put, "Docker-Content-Digest"));
        Assert.Equal(manifest.Data, await Registry.GetManifestAsync(repo, "pretty"));
    }

    [Fact]
    public async Task Docker_schema2_manifests_and_manifest_lists_round_trip_with_their_media_types()
    {
        string repo = NewRepo();
        var list = Images.Index(docker: true);
        await Registry.PushImageAsync(repo, list, "list");
        var image = list.Children[0];

        using (var get = await Registry.GetAsync($"/v2/{repo}/manifests/list", MediaType.DockerManifestList, MediaType.DockerManifest))
        {
            await OciAssert.Status(get, HttpStatusCode.OK);
            Assert.Equal(MediaType.DockerManifestList, get.Content.Headers.ContentType?.MediaType);
            Assert.Equal(list.Manifest.Data, await get.Content.ReadAsByteArrayAsync());
        }
        using (var get = await Registry.GetAsync($"/v2/{repo}/manifests/{image.Digest}", MediaType.DockerManifest))
        {
            await OciAssert.Status(get, HttpStatusCode.OK);
            Assert.Equal(MediaType.DockerManifest, get.Content.Headers.ContentType?.MediaType);
            Assert.Equal(image.Manifest.Data, await get.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Accept_negotiation_serves_the_stored_type_when_it_is_acceptable()
    {
        string repo = NewRepo();
        var index = Images.Index();
        await Registry.PushImageAsync(repo, index, "multi");
        string url = $"/v2/{repo}/manifests/multi";

        // Accept lists in one header with q-values, in several headers, a wildcard, and no Accept at all.
        foreach (var configure in new Action<HttpRequestMessage>[]
                 {
                     r => r.Headers.TryAddWithoutValidation("Accept", $"{MediaType.DockerManifest};q=0.5, {MediaType.OciIndex}, {MediaType.OciManifest};q=0.9"),
                     r => { r.Headers.Accept.ParseAdd(MediaType.OciManifest); r.Headers.Accept.ParseAdd(MediaType.OciIndex); },
                     r => r.Headers.Accept.ParseAdd("*/*"),
                     _ => { },
                 })
        {
            using var get = await Registry.SendAsync(HttpMethod.Get, url, configure: configure);
            await OciAssert.Status(get, HttpStatusCode.OK);
            Assert.Equal(MediaType.OciIndex, get.Content.Headers.ContentType?.MediaType);
            Assert.Equal(index.Manifest.Data, await get.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Accept_that_excludes_the_stored_type_does_not_get_it()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, "oci");

        // An OCI image manifest asked for by tag with only Docker types acceptable: the reference registry answers
        // 404 MANIFEST_UNKNOWN; 406 Not Acceptable is the plain-HTTP answer. Serving it anyway is wrong.
        using var get = await Registry.GetAsync($"/v2/{repo}/manifests/oci", MediaType.DockerManifest, MediaType.DockerManifestList);
        await OciAssert.StatusIn(get, HttpStatusCode.NotFound, HttpStatusCode.NotAcceptable);
        if (get.StatusCode == HttpStatusCode.NotFound) await OciAssert.Error(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task Unknown_manifests_are_404_MANIFEST_UNKNOWN()
    {
        string repo = NewRepo();
        await Registry.PushImageAsync(repo, Images.Random(layers: 1), "exists");

        using (var byTag = await Registry.GetAsync($"/v2/{repo}/manifests/missing", AllManifestTypes))
            await OciAssert.Error(byTag, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var byDigest = await Registry.GetAsync($"/v2/{repo}/manifests/{Digests.Unknown()}", AllManifestTypes))
            await OciAssert.Error(byDigest, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var head = await Registry.HeadAsync($"/v2/{repo}/manifests/missing", AllManifestTypes))
            await OciAssert.Status(head, HttpStatusCode.NotFound);
        using (var unknownRepo = await Registry.GetAsync($"/v2/{NewRepo()}/manifests/latest", AllManifestTypes))
            await OciAssert.Error(unknownRepo, HttpStatusCode.NotFound, "NAME_UNKNOWN", "MANIFEST_UNKNOWN");
        using (var malformed = await Registry.GetAsync($"/v2/{repo}/manifests/sha256:baddigeststring", AllManifestTypes))
            await OciAssert.ErrorIn(malformed, [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], "DIGEST_INVALID", "MANIFEST_UNKNOWN", "MANIFEST_INVALID");
    }

    [Fact]
    public async Task A_manifest_in_one_repository_is_not_visible_in_another()
    {
        string repo = NewRepo(), other = NewRepo();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, "v1");
        await Registry.PushImageAsync(other, Images.Random(layers: 1), "v1");
        using var get = await Registry.GetAsync($"/v2/{other}/manifests/{image.Digest}", AllManifestTypes);
        await OciAssert.Error(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task Put_with_a_missing_layer_or_config_is_MANIFEST_BLOB_UNKNOWN_and_changes_nothing()
    {
        string repo = NewRepo(), repo2 = NewRepo(), elsewhere = NewRepo();
        var image = Images.Random(layers: 2);
        await Registry.PushImageAsync(repo, Images.Random(layers: 1), "base");
        await Registry.PushImageAsync(repo2, Images.Random(layers: 1), "base");
        // Everything but the last layer in repo; everything but the config in repo2; the last layer only in a
        // third repository (the bytes are in the registry, but not linked where the manifest goes).
        await Registry.PushBlobAsync(repo, image.Config!);
        await Registry.PushBlobAsync(repo, image.Layers[0].Blob);
        foreach (var layer in image.Layers) await Registry.PushBlobAsync(repo2, layer.Blob);
        await Registry.PushBlobAsync(elsewhere, image.Layers[1].Blob);
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo, repo2, elsewhere], [image.Digest, image.Config!.Digest, image.Layers[1].Blob.Digest]);

        foreach (string target in new[] { repo, repo2 })
        {
            using (var byTag = await Registry.PutManifestAsync(target, "v1", image.Manifest))
                await OciAssert.ErrorIn(byTag, [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], "MANIFEST_BLOB_UNKNOWN");
            using (var byDigest = await Registry.PutManifestAsync(target, image.Digest, image.Manifest))
                await OciAssert.ErrorIn(byDigest, [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], "MANIFEST_BLOB_UNKNOWN");
        }
        await before.AssertUnchangedAsync(Registry, "manifests with a missing layer or config");
    }

    [Fact]
    public async Task Put_of_an_index_with_a_missing_child_is_refused_and_changes_nothing()
    {
        string repo = NewRepo();
        var index = Images.Index();
        await Registry.PushImageAsync(repo, index.Children[0], "child0");
        foreach (var blob in index.Children[1].AllBlobs()) await Registry.PushBlobAsync(repo, blob); // blobs but not the manifest
        await Registry.PushImageAsync(NewRepo(), index.Children[1], "elsewhere");
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [index.Digest, index.Children[1].Digest]);

        using var put = await Registry.PutManifestAsync(repo, "multi", index.Manifest);
        // The spec: MANIFEST_BLOB_UNKNOWN ("manifest references a manifest or blob unknown"); Wharf's issue names
        // MANIFEST_UNKNOWN for index children. Either code, never success.
        await OciAssert.ErrorIn(put, [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], "MANIFEST_UNKNOWN", "MANIFEST_BLOB_UNKNOWN");
        await before.AssertUnchangedAsync(Registry, "index with a missing child");

        // A child that exists only in another repository does not count.
        using (var again = await Registry.PutManifestAsync(repo, "multi", index.Manifest))
            await OciAssert.ErrorIn(again, [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], "MANIFEST_UNKNOWN", "MANIFEST_BLOB_UNKNOWN");
        await before.AssertUnchangedAsync(Registry, "index whose child is in another repository");

        // Once the child is there, the index goes in.
        using (var child = await Registry.PutManifestAsync(repo, index.Children[1].Digest, index.Children[1].Manifest))
            await OciAssert.Status(child, HttpStatusCode.Created);
        using (var again = await Registry.PutManifestAsync(repo, "multi", index.Manifest))
            await OciAssert.Status(again, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Put_by_a_digest_that_does_not_match_the_body_is_refused_and_changes_nothing()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        foreach (var blob in image.AllBlobs()) await Registry.PushBlobAsync(repo, blob);
        await Registry.PushImageAsync(repo, Images.Random(layers: 1), "base");
        string other = Digests.Unknown();
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [image.Digest, other]);

        using (var put = await Registry.PutManifestAsync(repo, other, image.Manifest))
            await OciAssert.Error(put, HttpStatusCode.BadRequest, "DIGEST_INVALID", "MANIFEST_INVALID");
        using (var malformed = await Registry.PutManifestAsync(repo, "sha256:baddigeststring", image.Manifest))
            await OciAssert.Error(malformed, HttpStatusCode.BadRequest, "DIGEST_INVALID", "MANIFEST_INVALID");

        await before.AssertUnchangedAsync(Registry, "manifest PUT by a digest that does not match");
    }

    public static TheoryData<string, string?> InvalidManifests => new()
    {
        { "", MediaType.OciManifest },
        { "not json at all", MediaType.OciManifest },
        { "null", MediaType.OciManifest },
        { "[1,2,3]", MediaType.OciManifest },
        { "{\"hello\":\"world\"}", MediaType.OciManifest },
        { "{\"schemaVersion\":1,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{},\"layers\":[]}", MediaType.OciManifest },
        { "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}", MediaType.OciManifest },
        {
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:abc\",\"size\":2},\"layers\":[]}",
            MediaType.OciManifest
        },
        {
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":-1},\"layers\":[]}",
            MediaType.OciManifest
        },
        { "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}", MediaType.OciManifest }, // mediaType disagrees with Content-Type
        { "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":\"nope\"}", MediaType.OciIndex },
    };

    [Theory]
    [MemberData(nameof(InvalidManifests))]
    public async Task An_invalid_manifest_is_400_MANIFEST_INVALID_and_changes_nothing(string body, string? contentType)
    {
        string repo = NewRepo();
        await Registry.PushImageAsync(repo, Images.Random(layers: 1), "base");
        var manifest = new Blob(contentType ?? MediaType.OciManifest, Encoding.UTF8.GetBytes(body));
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [manifest.Digest]);

        using (var put = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repo}/manifests/bad", RegistryClient.Manifest(manifest.Data, contentType)))
            await OciAssert.Error(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
        using (var byDigest = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repo}/manifests/{manifest.Digest}", RegistryClient.Manifest(manifest.Data, contentType)))
            await OciAssert.Error(byDigest, HttpStatusCode.BadRequest, "MANIFEST_INVALID");

        await before.AssertUnchangedAsync(Registry, "invalid manifest");
    }

    [Theory]
    [InlineData("-leading-dash")]
    [InlineData(".dot")]
    [InlineData("has+plus")]
    public async Task An_invalid_tag_is_refused_and_changes_nothing(string tag)
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, "base");
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [image.Digest]);
        using var put = await Registry.PutManifestAsync(repo, tag, image.Manifest);
        await OciAssert.ErrorIn(put, [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], "TAG_INVALID", "MANIFEST_INVALID", "NAME_INVALID");
        await before.AssertUnchangedAsync(Registry, "invalid tag");
    }

    [Fact]
    public async Task Tags_of_128_characters_are_accepted_and_129_refused()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, "base");
        string longest = "t" + new string('a', 127);
        using (var ok = await Registry.PutManifestAsync(repo, longest, image.Manifest))
            await OciAssert.Status(ok, HttpStatusCode.Created);
        using (var tooLong = await Registry.PutManifestAsync(repo, longest + "a", image.Manifest))
            await OciAssert.ErrorIn(tooLong, [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], "TAG_INVALID", "MANIFEST_INVALID", "NAME_INVALID");
        Assert.Equal(["base", longest], await Registry.TagsAsync(repo));
    }

    [Fact]
    public async Task A_5_MiB_manifest_is_refused_with_413_and_a_manifest_just_under_4_MiB_is_accepted()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        foreach (var blob in image.AllBlobs()) await Registry.PushBlobAsync(repo, blob);
        await Registry.PushImageAsync(repo, Images.Random(layers: 1), "base");

        var huge = Padded(image, 5 * 1024 * 1024);
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [huge.Digest]);
        using (var put = await Registry.PutManifestAsync(repo, "huge", huge))
        {
            // Spec: a registry that limits manifest size SHOULD answer 413 Payload Too Large.
            await OciAssert.Status(put, HttpStatusCode.RequestEntityTooLarge);
            if (put.Content.Headers.ContentType?.MediaType == "application/json")
                await OciAssert.Error(put, HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID", "MANIFEST_INVALID");
        }
        await before.AssertUnchangedAsync(Registry, "5 MiB manifest");

        // "Client and registry implementations SHOULD expect to be able to support manifest pushes of at least 4 megabytes."
        var big = Padded(image, 4 * 1000 * 1000);
        using var accepted = await Registry.PutManifestAsync(repo, "big", big);
        await OciAssert.Status(accepted, HttpStatusCode.Created);
        Assert.Equal(big.Data, await Registry.GetManifestAsync(repo, "big"));
    }

    [Fact]
    public async Task An_oversized_manifest_sent_without_Content_Length_is_also_413()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        foreach (var blob in image.AllBlobs()) await Registry.PushBlobAsync(repo, blob);
        await Registry.PushImageAsync(repo, Images.Random(layers: 1), "base");
        var huge = Padded(image, 5 * 1024 * 1024);
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [huge.Digest]);

        // Chunked transfer encoding: the limit has to be enforced while reading, not from a header.
        var content = new StreamContent(new MemoryStream(huge.Data));
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaType.OciManifest);
        using (var put = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repo}/manifests/huge", content, r => r.Headers.TransferEncodingChunked = true))
            await OciAssert.Status(put, HttpStatusCode.RequestEntityTooLarge);
        await before.AssertUnchangedAsync(Registry, "chunked 5 MiB manifest");

        // And a normal-sized one sent the same way is fine.
        var small = new StreamContent(new MemoryStream(image.Manifest.Data));
        small.Headers.ContentType = new MediaTypeHeaderValue(MediaType.OciManifest);
        using (var put = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repo}/manifests/chunked", small, r => r.Headers.TransferEncodingChunked = true))
            await OciAssert.Status(put, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Overwriting_a_tag_moves_it_and_keeps_the_old_manifest_by_digest()
    {
        string repo = NewRepo();
        var first = Images.Random(layers: 1);
        var second = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, first, "latest");
        await Registry.PushImageAsync(repo, second, "latest");

        Assert.Equal(second.Manifest.Data, await Registry.GetManifestAsync(repo, "latest"));
        Assert.Equal(first.Manifest.Data, await Registry.GetManifestAsync(repo, first.Digest));
        Assert.Equal(["latest"], await Registry.TagsAsync(repo));
    }

    [Fact]
    public async Task Delete_by_tag_removes_only_the_tag()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, "v1");
        using (var put = await Registry.PutManifestAsync(repo, "v2", image.Manifest))
            await OciAssert.Status(put, HttpStatusCode.Created);

        using (var delete = await Registry.DeleteAsync($"/v2/{repo}/manifests/v1"))
            await OciAssert.Status(delete, HttpStatusCode.Accepted);

        using (var get = await Registry.GetAsync($"/v2/{repo}/manifests/v1", AllManifestTypes))
            await OciAssert.Error(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        Assert.Equal(image.Manifest.Data, await Registry.GetManifestAsync(repo, "v2"));
        Assert.Equal(image.Manifest.Data, await Registry.GetManifestAsync(repo, image.Digest));
        Assert.Equal(["v2"], await Registry.TagsAsync(repo));

        using (var again = await Registry.DeleteAsync($"/v2/{repo}/manifests/v1"))
            await OciAssert.Error(again, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task Delete_by_digest_removes_the_manifest_and_every_tag_on_it()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        var keep = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, "a");
        await Registry.PushImageAsync(repo, keep, "keep");
        using (var put = await Registry.PutManifestAsync(repo, "b", image.Manifest))
            await OciAssert.Status(put, HttpStatusCode.Created);

        using (var delete = await Registry.DeleteAsync($"/v2/{repo}/manifests/{image.Digest}"))
            await OciAssert.Status(delete, HttpStatusCode.Accepted);

        foreach (string reference in new[] { image.Digest, "a", "b" })
        {
            using var get = await Registry.GetAsync($"/v2/{repo}/manifests/{reference}", AllManifestTypes);
            await OciAssert.Error(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }
        Assert.Equal(["keep"], await Registry.TagsAsync(repo));
        Assert.Equal(keep.Manifest.Data, await Registry.GetManifestAsync(repo, "keep"));

        using (var again = await Registry.DeleteAsync($"/v2/{repo}/manifests/{image.Digest}"))
            await OciAssert.Error(again, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");

        // It can be pushed again.
        await Registry.PushImageAsync(repo, image, "a");
        Assert.Equal(image.Manifest.Data, await Registry.GetManifestAsync(repo, "a"));
    }

    [Fact]
    public async Task Delete_of_unknown_manifests_is_404_and_changes_nothing()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, "v1");
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [image.Digest]);

        using (var tag = await Registry.DeleteAsync($"/v2/{repo}/manifests/nope"))
            await OciAssert.Error(tag, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var digest = await Registry.DeleteAsync($"/v2/{repo}/manifests/{Digests.Unknown()}"))
            await OciAssert.Error(digest, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var otherRepo = await Registry.DeleteAsync($"/v2/{NewRepo()}/manifests/{image.Digest}"))
            await OciAssert.Error(otherRepo, HttpStatusCode.NotFound, "NAME_UNKNOWN", "MANIFEST_UNKNOWN");

        await before.AssertUnchangedAsync(Registry, "refused manifest deletes");
    }

    [Fact]
    public async Task Put_with_a_subject_answers_OCI_Subject_even_when_the_subject_is_missing()
    {
        string repo = NewRepo();
        var subject = Images.Random(layers: 1);
        var artifact = Images.Artifact(subject.Descriptor(), "application/vnd.example.sbom.v1");
        await Registry.PushImageAsync(repo, Images.Random(layers: 1), "base");
        foreach (var blob in artifact.AllBlobs()) await Registry.PushBlobAsync(repo, blob);

        // The spec: a registry MUST accept a manifest whose subject does not exist (yet).
        using var put = await Registry.PutManifestAsync(repo, artifact.Digest, artifact.Manifest);
        await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(subject.Digest, OciAssert.Header(put, "OCI-Subject"));
        Assert.Equal(artifact.Manifest.Data, await Registry.GetManifestAsync(repo, artifact.Digest));
    }

    [Fact]
    public async Task An_artifact_with_the_empty_config_round_trips()
    {
        string repo = NewRepo();
        var artifact = Images.Artifact(null, "application/vnd.example.model.v1", new Dictionary<string, string> { ["org.example.k"] = "v" });
        await Registry.PushImageAsync(repo, artifact, "model");
        Assert.Equal(artifact.Manifest.Data, await Registry.GetManifestAsync(repo, "model"));
    }

    private static Blob Padded(TestImage image, int size)
    {
        var manifest = (JsonObject)OciJson.Parse(image.Manifest.Data);
        manifest["annotations"] = new JsonObject { ["org.example.padding"] = "" };
        int overhead = OciJson.Bytes(manifest).Length;
        manifest["annotations"]!["org.example.padding"] = new string('x', size - overhead);
        var blob = Blob.Json(manifest, MediaType.OciManifest);
        Assert.Equal(size, blob.Data.Length);
        return blob;
    }
}

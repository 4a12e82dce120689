using System.Net;
using System.Net.Http.Headers;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>end-4a/4b (POST), end-5 (PATCH), end-6 (PUT), end-13 (GET status), end-14 (DELETE) of blob uploads.</summary>
public sealed class UploadTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Monolithic_post_with_digest_answers_201_with_a_pullable_location()
    {
        string repo = NewRepo();
        var blob = Blob.Random(5000);

        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={blob.Digest}", RegistryClient.Octets(blob.Data));
        await OciAssert.Status(post, HttpStatusCode.Created);
        Assert.Equal(blob.Digest, OciAssert.Header(post, "Docker-Content-Digest"));
        var location = Registry.Location(post);
        Assert.EndsWith($"/v2/{repo}/blobs/{blob.Digest}", location.AbsolutePath, StringComparison.Ordinal);

        using var get = await Registry.GetAsync(location.ToString());
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal(blob.Data, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Monolithic_post_with_a_wrong_digest_is_DIGEST_INVALID_and_stores_nothing()
    {
        string repo = NewRepo();
        await Registry.PushBlobAsync(repo, Blob.Random(8));
        var blob = Blob.Random(5000);
        string claimed = Digests.Unknown();
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [blob.Digest, claimed]);

        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={claimed}", RegistryClient.Octets(blob.Data));
        await OciAssert.Error(post, HttpStatusCode.BadRequest, "DIGEST_INVALID");

        await before.AssertUnchangedAsync(Registry, "monolithic POST with a wrong digest");
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(repo, blob.Digest));
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(repo, claimed));
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("sha256:44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A")]
    [InlineData("nodigest")]
    public async Task Monolithic_post_with_a_malformed_digest_is_400_DIGEST_INVALID(string digest)
    {
        string repo = NewRepo();
        await Registry.PushBlobAsync(repo, Blob.Random(8));
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], []);
        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={digest}", RegistryClient.Octets([1, 2, 3]));
        await OciAssert.Error(post, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        await before.AssertUnchangedAsync(Registry, "monolithic POST with a malformed digest");
    }

    [Fact]
    public async Task Sha512_digests_are_accepted()
    {
        string repo = NewRepo();
        var data = Blob.Random(3000).Data;
        string digest = Digests.Sha512(data);

        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={digest}", RegistryClient.Octets(data));
        await OciAssert.Status(post, HttpStatusCode.Created);
        using var get = await Registry.GetAsync($"/v2/{repo}/blobs/{digest}");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal(data, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Post_then_put_answers_202_then_201()
    {
        string repo = NewRepo();
        var blob = Blob.Random(7000);

        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/", RegistryClient.Octets([]));
        await OciAssert.Status(post, HttpStatusCode.Accepted);
        var session = Registry.Location(post);
        Assert.Contains($"/v2/{repo}/blobs/uploads/", session.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(repo, blob.Digest));

        using var put = await Registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(session, "digest", blob.Digest), RegistryClient.Octets(blob.Data));
        await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(blob.Digest, OciAssert.Header(put, "Docker-Content-Digest"));
        using var get = await Registry.GetAsync(Registry.Location(put).ToString());
        Assert.Equal(blob.Data, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Streamed_patch_without_content_range_then_put_completes_the_blob()
    {
        string repo = NewRepo();
        var blob = Blob.Random(9000);
        var session = await Registry.StartUploadAsync(repo);

        using var patch = await Registry.SendAsync(HttpMethod.Patch, session.ToString(), RegistryClient.Octets(blob.Data));
        await OciAssert.Status(patch, HttpStatusCode.Accepted);
        Assert.Equal(8999, OciAssert.RangeEnd(patch));

        using var put = await Registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(Registry.Location(patch), "digest", blob.Digest), RegistryClient.Octets([]));
        await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task Chunked_upload_with_content_range_and_a_last_chunk_on_put()
    {
        string repo = NewRepo();
        var blob = Blob.Random(2500);
        var session = await Registry.StartUploadAsync(repo);

        var location = await PatchChunk(session, blob.Data, 0, 1000, expectedEnd: 999);
        location = await PatchChunk(location, blob.Data, 1000, 1000, expectedEnd: 1999);

        var last = Chunk(blob.Data, 2000, 500);
        using var put = await Registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(location, "digest", blob.Digest), last);
        await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(blob.Digest, OciAssert.Header(put, "Docker-Content-Digest"));
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(repo, blob.Digest));

        // The session is closed once the blob is committed.
        using var status = await Registry.GetAsync(location.ToString());
        await OciAssert.Error(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task Out_of_order_first_chunk_is_416_and_the_session_survives()
    {
        string repo = NewRepo();
        var blob = Blob.Random(2000);
        var session = await Registry.StartUploadAsync(repo);

        using (var patch = await Registry.SendAsync(HttpMethod.Patch, session.ToString(), Chunk(blob.Data, 1000, 1000)))
            await OciAssert.Status(patch, HttpStatusCode.RequestedRangeNotSatisfiable);

        // Nothing was received: the status still says 0-0 (the reference registry's answer for an empty session).
        using (var status = await Registry.GetAsync(session.ToString()))
        {
            await OciAssert.Status(status, HttpStatusCode.NoContent);
            Assert.Equal("0-0", OciAssert.Header(status, "Range"));
            Registry.Location(status);
        }

        var location = await PatchChunk(session, blob.Data, 0, 1000, expectedEnd: 999);
        location = await PatchChunk(location, blob.Data, 1000, 1000, expectedEnd: 1999);
        await Finish(location, blob);
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task Repeated_overlapping_or_gapped_chunks_are_416_and_change_nothing()
    {
        string repo = NewRepo();
        var blob = Blob.Random(3000);
        var session = await Registry.StartUploadAsync(repo);
        var location = await PatchChunk(session, blob.Data, 0, 1000, expectedEnd: 999);

        // Repeat the first chunk, overlap it, leave a gap after it, send the last one early: all 416, on either URL.
        foreach (var (start, length) in new[] { (0, 1000), (500, 1000), (1500, 500), (2000, 1000) })
        {
            foreach (var url in new[] { session, location })
            {
                using var patch = await Registry.SendAsync(HttpMethod.Patch, url.ToString(), Chunk(blob.Data, start, length));
                await OciAssert.Status(patch, HttpStatusCode.RequestedRangeNotSatisfiable);
            }
        }

        // GET reports the offset after the last good chunk and a location to go on from.
        using (var status = await Registry.GetAsync(session.ToString()))
        {
            await OciAssert.Status(status, HttpStatusCode.NoContent);
            Assert.Equal(999, OciAssert.RangeEnd(status));
            location = Registry.Location(status);
        }

        location = await PatchChunk(location, blob.Data, 1000, 1000, expectedEnd: 1999);
        location = await PatchChunk(location, blob.Data, 2000, 1000, expectedEnd: 2999);
        await Finish(location, blob);
        // Had any refused chunk been kept, the digest would not match.
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task A_chunk_whose_content_range_disagrees_with_its_length_is_refused()
    {
        string repo = NewRepo();
        var blob = Blob.Random(2000);
        var session = await Registry.StartUploadAsync(repo);
        var location = await PatchChunk(session, blob.Data, 0, 1000, expectedEnd: 999);

        var lying = RegistryClient.Octets(blob.Data, 1000, 500);
        lying.Headers.TryAddWithoutValidation("Content-Range", "1000-1999");
        using (var patch = await Registry.SendAsync(HttpMethod.Patch, location.ToString(), lying))
            await OciAssert.StatusIn(patch, HttpStatusCode.RequestedRangeNotSatisfiable, HttpStatusCode.BadRequest);

        using (var status = await Registry.GetAsync(location.ToString()))
        {
            await OciAssert.Status(status, HttpStatusCode.NoContent);
            Assert.Equal(999, OciAssert.RangeEnd(status));
        }
        location = await PatchChunk(location, blob.Data, 1000, 1000, expectedEnd: 1999);
        await Finish(location, blob);
    }

    [Fact]
    public async Task A_last_chunk_on_put_out_of_order_is_416_and_the_session_goes_on()
    {
        // distribution-spec (after 1.1.1): "If the final chunk is uploaded out of order, the registry MUST respond with 416".
        string repo = NewRepo();
        await Registry.PushBlobAsync(repo, Blob.Random(8));
        var blob = Blob.Random(2000);
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [blob.Digest]);
        var session = await Registry.StartUploadAsync(repo);
        var location = await PatchChunk(session, blob.Data, 0, 1000, expectedEnd: 999);

        foreach (int start in new[] { 0, 500, 1500 })
        {
            var chunk = RegistryClient.Octets(blob.Data, start, 2000 - start);
            chunk.Headers.TryAddWithoutValidation("Content-Range", $"{start}-1999");
            using var put = await Registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(location, "digest", blob.Digest), chunk);
            await OciAssert.Status(put, HttpStatusCode.RequestedRangeNotSatisfiable);
        }
        await before.AssertUnchangedAsync(Registry, "out-of-order last chunks");

        var last = Chunk(blob.Data, 1000, 1000);
        using (var put = await Registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(location, "digest", blob.Digest), last))
            await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task Put_with_a_wrong_digest_is_DIGEST_INVALID_and_nothing_is_visible()
    {
        string repo = NewRepo();
        await Registry.PushBlobAsync(repo, Blob.Random(8));
        var blob = Blob.Random(4096);
        string claimed = Digests.Unknown();
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [blob.Digest, claimed]);

        // Wrong digest on a monolithic PUT ...
        var session = await Registry.StartUploadAsync(repo);
        using (var put = await Registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(session, "digest", claimed), RegistryClient.Octets(blob.Data)))
            await OciAssert.Error(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");

        // ... and on the closing PUT of a chunked upload.
        var chunked = await Registry.StartUploadAsync(repo);
        var location = await PatchChunk(chunked, blob.Data, 0, 4096, expectedEnd: 4095);
        using (var put = await Registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(location, "digest", claimed), RegistryClient.Octets([])))
            await OciAssert.Error(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");

        await before.AssertUnchangedAsync(Registry, "PUT with a wrong digest");
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(repo, blob.Digest));
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(repo, claimed));
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("sha256:44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A")]
    [InlineData(null)]
    public async Task Put_with_a_malformed_or_missing_digest_is_400(string? digest)
    {
        string repo = NewRepo();
        await Registry.PushBlobAsync(repo, Blob.Random(8));
        var blob = Blob.Random(100);
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [blob.Digest]);
        var session = await Registry.StartUploadAsync(repo);
        string url = digest is null ? session.ToString() : RegistryClient.WithQuery(session, "digest", digest);

        using var put = await Registry.SendAsync(HttpMethod.Put, url, RegistryClient.Octets(blob.Data));
        await OciAssert.Error(put, HttpStatusCode.BadRequest, "DIGEST_INVALID", "BLOB_UPLOAD_INVALID");
        await before.AssertUnchangedAsync(Registry, "PUT with a malformed digest");
    }

    [Fact]
    public async Task Get_status_answers_204_with_range_and_location()
    {
        string repo = NewRepo();
        var blob = Blob.Random(1500);
        var session = await Registry.StartUploadAsync(repo);

        using (var empty = await Registry.GetAsync(session.ToString()))
        {
            await OciAssert.Status(empty, HttpStatusCode.NoContent);
            Assert.Equal("0-0", OciAssert.Header(empty, "Range"));
            Registry.Location(empty);
        }

        await PatchChunk(session, blob.Data, 0, 700, expectedEnd: 699);
        using var status = await Registry.GetAsync(session.ToString());
        await OciAssert.Status(status, HttpStatusCode.NoContent);
        Assert.Equal(699, OciAssert.RangeEnd(status));
        var location = Registry.Location(status);
        Assert.Contains($"/v2/{repo}/blobs/uploads/", location.AbsolutePath, StringComparison.Ordinal);

        location = await PatchChunk(location, blob.Data, 700, 800, expectedEnd: 1499);
        await Finish(location, blob);
    }

    [Fact]
    public async Task Delete_cancels_the_upload()
    {
        string repo = NewRepo();
        await Registry.PushBlobAsync(repo, Blob.Random(8));
        var blob = Blob.Random(1000);
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [blob.Digest]);
        var session = await Registry.StartUploadAsync(repo);
        var location = await PatchChunk(session, blob.Data, 0, 500, expectedEnd: 499);

        using (var delete = await Registry.DeleteAsync(location.ToString()))
            await OciAssert.Status(delete, HttpStatusCode.NoContent);

        using (var status = await Registry.GetAsync(location.ToString()))
            await OciAssert.Error(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var patch = await Registry.SendAsync(HttpMethod.Patch, location.ToString(), Chunk(blob.Data, 500, 500)))
            await OciAssert.Error(patch, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var put = await Registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(location, "digest", blob.Digest), Chunk(blob.Data, 500, 500)))
            await OciAssert.Error(put, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var again = await Registry.DeleteAsync(location.ToString()))
            await OciAssert.Error(again, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");

        await before.AssertUnchangedAsync(Registry, "cancelled upload");
    }

    [Fact]
    public async Task Unknown_upload_sessions_are_404_BLOB_UPLOAD_UNKNOWN()
    {
        string repo = NewRepo();
        await Registry.PushBlobAsync(repo, Blob.Random(8));
        var blob = Blob.Random(10);
        string url = $"/v2/{repo}/blobs/uploads/{Guid.NewGuid()}";

        using (var get = await Registry.GetAsync(url))
            await OciAssert.Error(get, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var patch = await Registry.SendAsync(HttpMethod.Patch, url, RegistryClient.Octets(blob.Data)))
            await OciAssert.Error(patch, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var put = await Registry.SendAsync(HttpMethod.Put, $"{url}?digest={blob.Digest}", RegistryClient.Octets(blob.Data)))
            await OciAssert.Error(put, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var delete = await Registry.DeleteAsync(url))
            await OciAssert.Error(delete, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task A_session_belongs_to_its_repository()
    {
        string repo = NewRepo(), other = NewRepo();
        await Registry.PushBlobAsync(other, Blob.Random(8));
        var blob = Blob.Random(600);
        var session = await Registry.StartUploadAsync(repo);
        var location = await PatchChunk(session, blob.Data, 0, 300, expectedEnd: 299);

        // The same session id under another repository's path is not that repository's upload.
        string foreign = location.AbsoluteUri.Replace($"/v2/{repo}/", $"/v2/{other}/", StringComparison.Ordinal);
        using (var get = await Registry.GetAsync(foreign))
            await OciAssert.Error(get, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var put = await Registry.SendAsync(HttpMethod.Put, $"{foreign}{(foreign.Contains('?', StringComparison.Ordinal) ? '&' : '?')}digest={blob.Digest}", Chunk(blob.Data, 300, 300)))
            await OciAssert.Error(put, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(other, blob.Digest));

        location = await PatchChunk(location, blob.Data, 300, 300, expectedEnd: 599);
        await Finish(location, blob);
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(other, blob.Digest));
        Assert.Equal(HttpStatusCode.OK, await Registry.BlobStatusAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task Pushing_a_blob_that_already_exists_succeeds_and_keeps_one_copy_of_the_bytes()
    {
        string repo = NewRepo();
        var blob = Blob.Random(1234);
        await Registry.PushBlobAsync(repo, blob);
        await Registry.PushBlobAsync(repo, blob);
        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={blob.Digest}", RegistryClient.Octets(blob.Data));
        await OciAssert.Status(post, HttpStatusCode.Created);
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task Concurrent_patches_of_the_same_chunk_are_applied_once()
    {
        string repo = NewRepo();
        var blob = Blob.Random(512 * 1024);
        var session = await Registry.StartUploadAsync(repo);
        var half = blob.Data.Length / 2;

        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var patch = await Registry.SendAsync(HttpMethod.Patch, session.ToString(), Chunk(blob.Data, 0, half));
            return patch.StatusCode;
        }));
        Assert.Equal(1, attempts.Count(s => s == HttpStatusCode.Accepted));
        Assert.All(attempts, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.RequestedRangeNotSatisfiable, $"got {(int)s}"));

        using (var status = await Registry.GetAsync(session.ToString()))
        {
            await OciAssert.Status(status, HttpStatusCode.NoContent);
            Assert.Equal(half - 1, OciAssert.RangeEnd(status));
        }
        var location = await PatchChunk(session, blob.Data, half, blob.Data.Length - half, expectedEnd: blob.Data.Length - 1);
        await Finish(location, blob);
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task Concurrent_pushes_of_the_same_blob_all_succeed()
    {
        // The spec's "layer upload de-duplication" case: both uploads proceed, the registry keeps one copy.
        string[] repos = [NewRepo(), NewRepo()];
        var blob = Blob.Random(3 * 1024 * 1024);
        var pushes = Enumerable.Range(0, 6).Select(async i =>
        {
            string repo = repos[i % 2];
            if (i < 3)
            {
                await Registry.PushBlobAsync(repo, blob);
                return;
            }
            using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={blob.Digest}", RegistryClient.Octets(blob.Data));
            await OciAssert.Status(post, HttpStatusCode.Created);
        });
        await Task.WhenAll(pushes);
        foreach (string repo in repos) Assert.Equal(blob.Data, await Registry.GetBlobAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task An_empty_blob_can_be_pushed_and_pulled()
    {
        string repo = NewRepo();
        var blob = new Blob(MediaType.OctetStream, []);
        await Registry.PushBlobAsync(repo, blob);
        using var head = await Registry.HeadAsync($"/v2/{repo}/blobs/{blob.Digest}");
        await OciAssert.Status(head, HttpStatusCode.OK);
        Assert.Equal(0, head.Content.Headers.ContentLength);
    }

    private static ByteArrayContent Chunk(byte[] data, int start, int length)
    {
        var content = RegistryClient.Octets(data, start, length);
        content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + length - 1}");
        return content;
    }

    private async Task<Uri> PatchChunk(Uri location, byte[] data, int start, int length, long expectedEnd)
    {
        using var patch = await Registry.SendAsync(HttpMethod.Patch, location.ToString(), Chunk(data, start, length));
        await OciAssert.Status(patch, HttpStatusCode.Accepted);
        Assert.Equal(expectedEnd, OciAssert.RangeEnd(patch));
        return Registry.Location(patch);
    }

    private async Task Finish(Uri location, Blob blob)
    {
        var empty = new ByteArrayContent([]);
        empty.Headers.ContentType = new MediaTypeHeaderValue(MediaType.OctetStream);
        using var put = await Registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(location, "digest", blob.Digest), empty);
        await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(blob.Digest, OciAssert.Header(put, "Docker-Content-Digest"));
    }
}

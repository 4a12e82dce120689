using System.Net;
using System.Net.Http.Headers;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>end-2 (GET/HEAD blob, with Range) and end-10 (DELETE blob).</summary>
public sealed class BlobTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Get_returns_the_bytes_with_digest_and_length()
    {
        string repo = NewRepo();
        var blob = Blob.Random(10_000);
        await Registry.PushBlobAsync(repo, blob);

        using var get = await Registry.GetAsync($"/v2/{repo}/blobs/{blob.Digest}");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal(blob.Digest, OciAssert.Header(get, "Docker-Content-Digest"));
        Assert.Equal(blob.Size, get.Content.Headers.ContentLength);
        Assert.Equal(blob.Data, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_returns_digest_and_length_and_no_body()
    {
        string repo = NewRepo();
        var blob = Blob.Random(4321);
        await Registry.PushBlobAsync(repo, blob);

        using var head = await Registry.HeadAsync($"/v2/{repo}/blobs/{blob.Digest}");
        await OciAssert.Status(head, HttpStatusCode.OK);
        Assert.Equal(blob.Digest, OciAssert.Header(head, "Docker-Content-Digest"));
        Assert.Equal(blob.Size, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Unknown_blob_is_404_BLOB_UNKNOWN()
    {
        string repo = NewRepo();
        await Registry.PushBlobAsync(repo, Blob.Random(10)); // the repository exists, the blob does not
        string unknown = Digests.Unknown();

        using var get = await Registry.GetAsync($"/v2/{repo}/blobs/{unknown}");
        await OciAssert.Error(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        using var head = await Registry.HeadAsync($"/v2/{repo}/blobs/{unknown}");
        await OciAssert.Status(head, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Blob_in_an_unknown_repository_is_404()
    {
        using var get = await Registry.GetAsync($"/v2/{NewRepo()}/blobs/{Digests.Unknown()}");
        await OciAssert.Error(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN", "NAME_UNKNOWN");
    }

    [Fact]
    public async Task A_blob_stored_for_one_repository_is_not_visible_in_another()
    {
        string owner = NewRepo(), other = NewRepo();
        var blob = Blob.Random(2048);
        await Registry.PushBlobAsync(owner, blob);
        await Registry.PushBlobAsync(other, Blob.Random(16));

        using var get = await Registry.GetAsync($"/v2/{other}/blobs/{blob.Digest}");
        await OciAssert.Error(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(other, blob.Digest));
    }

    [Theory]
    [InlineData("sha256:abc")] // too short
    [InlineData("sha256:ZZZZ4136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")] // not hex
    [InlineData("sha256:44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A")] // uppercase hex
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")] // unsupported algorithm
    public async Task A_malformed_digest_is_refused(string digest)
    {
        using var get = await Registry.GetAsync($"/v2/{NewRepo()}/blobs/{digest}");
        // The spec allows 400 (DIGEST_INVALID) or 404 for a digest it cannot parse.
        await OciAssert.ErrorIn(get, [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], "DIGEST_INVALID", "BLOB_UNKNOWN", "NAME_UNKNOWN");
    }

    [Fact]
    public async Task Range_requests_return_206_with_content_range()
    {
        string repo = NewRepo();
        var blob = Blob.Random(2048);
        await Registry.PushBlobAsync(repo, blob);
        string url = $"/v2/{repo}/blobs/{blob.Digest}";

        await ExpectPartial("bytes=500-1499", 500, 1499);
        await ExpectPartial("bytes=500-", 500, 2047);
        await ExpectPartial("bytes=-500", 1548, 2047);
        await ExpectPartial("bytes=2000-5000", 2000, 2047); // the end is clipped to the blob
        await ExpectPartial("bytes=0-0", 0, 0);

        async Task ExpectPartial(string range, int first, int last)
        {
            using var get = await Registry.SendAsync(HttpMethod.Get, url, configure: r => r.Headers.TryAddWithoutValidation("Range", range));
            await OciAssert.Status(get, HttpStatusCode.PartialContent);
            Assert.Equal($"bytes {first}-{last}/2048", OciAssert.Header(get, "Content-Range"));
            Assert.Equal(last - first + 1, get.Content.Headers.ContentLength);
            Assert.Equal(blob.Data[first..(last + 1)], await get.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task An_unsatisfiable_range_is_416()
    {
        string repo = NewRepo();
        var blob = Blob.Random(2048);
        await Registry.PushBlobAsync(repo, blob);
        string url = $"/v2/{repo}/blobs/{blob.Digest}";

        using var beyond = await Registry.SendAsync(HttpMethod.Get, url, configure: r => r.Headers.TryAddWithoutValidation("Range", "bytes=5000-10000"));
        await OciAssert.Status(beyond, HttpStatusCode.RequestedRangeNotSatisfiable);
        // RFC 9110 §15.5.17: a 416 to a byte range request SHOULD say the current length.
        Assert.Equal("bytes */2048", OciAssert.Header(beyond, "Content-Range"));

        // An inverted range is an invalid range-spec: RFC 9110 lets the server reject it (416) or ignore the
        // header (200 with the whole blob); it must not serve anything else.
        using var inverted = await Registry.SendAsync(HttpMethod.Get, url, configure: r => r.Headers.TryAddWithoutValidation("Range", "bytes=500-0"));
        await OciAssert.StatusIn(inverted, HttpStatusCode.RequestedRangeNotSatisfiable, HttpStatusCode.OK);
        if (inverted.StatusCode == HttpStatusCode.OK) Assert.Equal(blob.Data, await inverted.Content.ReadAsByteArrayAsync());

        // The blob is untouched.
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task Head_of_a_range_request_does_not_change_the_blob()
    {
        string repo = NewRepo();
        var blob = Blob.Random(100);
        await Registry.PushBlobAsync(repo, blob);
        using var head = await Registry.SendAsync(HttpMethod.Head, $"/v2/{repo}/blobs/{blob.Digest}",
            configure: r => r.Headers.Range = new RangeHeaderValue(10, 19));
        await OciAssert.StatusIn(head, HttpStatusCode.OK, HttpStatusCode.PartialContent);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Delete_answers_202_and_the_blob_is_gone_from_that_repository_only()
    {
        string repo = NewRepo(), other = NewRepo();
        var blob = Blob.Random(3000);
        await Registry.PushBlobAsync(repo, blob);
        await Registry.PushBlobAsync(other, blob); // same bytes, stored once, linked twice

        using (var delete = await Registry.DeleteAsync($"/v2/{repo}/blobs/{blob.Digest}"))
            await OciAssert.Status(delete, HttpStatusCode.Accepted);

        using (var get = await Registry.GetAsync($"/v2/{repo}/blobs/{blob.Digest}"))
            await OciAssert.Error(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(repo, blob.Digest));

        // The other repository's link to the same bytes is untouched.
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(other, blob.Digest));

        // Deleting again: the blob is unknown now.
        using (var again = await Registry.DeleteAsync($"/v2/{repo}/blobs/{blob.Digest}"))
            await OciAssert.Error(again, HttpStatusCode.NotFound, "BLOB_UNKNOWN");

        // And it can be pushed again.
        await Registry.PushBlobAsync(repo, blob);
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(repo, blob.Digest));
    }

    [Fact]
    public async Task Delete_of_an_unknown_blob_is_404_BLOB_UNKNOWN_and_changes_nothing()
    {
        string repo = NewRepo();
        var blob = Blob.Random(100);
        await Registry.PushBlobAsync(repo, blob);
        var before = await RegistrySnapshot.TakeAsync(Registry, [repo], [blob.Digest]);

        using (var delete = await Registry.DeleteAsync($"/v2/{repo}/blobs/{Digests.Unknown()}"))
            await OciAssert.Error(delete, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        using (var unknownRepo = await Registry.DeleteAsync($"/v2/{NewRepo()}/blobs/{blob.Digest}"))
            await OciAssert.Error(unknownRepo, HttpStatusCode.NotFound, "BLOB_UNKNOWN", "NAME_UNKNOWN");
        using (var malformed = await Registry.DeleteAsync($"/v2/{repo}/blobs/sha256:abc"))
            await OciAssert.ErrorIn(malformed, [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], "DIGEST_INVALID", "BLOB_UNKNOWN");

        await before.AssertUnchangedAsync(Registry, "refused blob deletes");
    }
}

using System.Net;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>end-11: POST /v2/&lt;name&gt;/blobs/uploads/?mount=&lt;digest&gt;&amp;from=&lt;other&gt;.</summary>
public sealed class MountTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Mount_from_a_repository_that_has_the_blob_answers_201()
    {
        string source = NewRepo(), target = NewRepo();
        var blob = Blob.Random(4000);
        await Registry.PushBlobAsync(source, blob);

        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{target}/blobs/uploads/?mount={blob.Digest}&from={source}", RegistryClient.Octets([]));
        await OciAssert.Status(post, HttpStatusCode.Created);
        Assert.Equal(blob.Digest, OciAssert.Header(post, "Docker-Content-Digest"));
        var location = Registry.Location(post);
        Assert.Equal($"/v2/{target}/blobs/{blob.Digest}", location.AbsolutePath);

        using var get = await Registry.GetAsync(location.ToString());
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal(blob.Data, await get.Content.ReadAsByteArrayAsync());

        // The mount is a link of its own: deleting it in the target leaves the source alone.
        using (var delete = await Registry.DeleteAsync($"/v2/{target}/blobs/{blob.Digest}"))
            await OciAssert.Status(delete, HttpStatusCode.Accepted);
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(source, blob.Digest));
    }

    [Fact]
    public async Task Mount_from_a_repository_without_the_blob_answers_202_with_a_new_session_and_links_nothing()
    {
        string owner = NewRepo(), bystander = NewRepo(), target = NewRepo();
        var blob = Blob.Random(4000);
        await Registry.PushBlobAsync(owner, blob);          // the bytes are in the registry ...
        await Registry.PushBlobAsync(bystander, Blob.Random(10)); // ... but not in this repository

        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{target}/blobs/uploads/?mount={blob.Digest}&from={bystander}", RegistryClient.Octets([]));
        await OciAssert.Status(post, HttpStatusCode.Accepted);
        var session = Registry.Location(post);
        Assert.Contains($"/v2/{target}/blobs/uploads/", session.AbsolutePath, StringComparison.Ordinal);

        // Mounting must not leak a blob the source repository cannot see.
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(target, blob.Digest));
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(bystander, blob.Digest));

        // The session is a real one: the client falls back to uploading.
        using (var status = await Registry.GetAsync(session.ToString()))
            await OciAssert.Status(status, HttpStatusCode.NoContent);
        using var put = await Registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(session, "digest", blob.Digest), RegistryClient.Octets(blob.Data));
        await OciAssert.Status(put, HttpStatusCode.Created);
        Assert.Equal(blob.Data, await Registry.GetBlobAsync(target, blob.Digest));
    }

    [Fact]
    public async Task Mount_from_a_repository_whose_blob_was_deleted_answers_202()
    {
        string source = NewRepo(), keeper = NewRepo(), target = NewRepo();
        var blob = Blob.Random(2000);
        await Registry.PushBlobAsync(source, blob);
        await Registry.PushBlobAsync(keeper, blob); // the bytes stay in the registry through this link
        using (var delete = await Registry.DeleteAsync($"/v2/{source}/blobs/{blob.Digest}"))
            await OciAssert.Status(delete, HttpStatusCode.Accepted);

        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{target}/blobs/uploads/?mount={blob.Digest}&from={source}", RegistryClient.Octets([]));
        await OciAssert.Status(post, HttpStatusCode.Accepted);
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(target, blob.Digest));
    }

    [Fact]
    public async Task Mount_of_an_unknown_digest_answers_202()
    {
        string source = NewRepo(), target = NewRepo();
        await Registry.PushBlobAsync(source, Blob.Random(10));
        string unknown = Digests.Unknown();

        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{target}/blobs/uploads/?mount={unknown}&from={source}", RegistryClient.Octets([]));
        await OciAssert.Status(post, HttpStatusCode.Accepted);
        Assert.Contains($"/v2/{target}/blobs/uploads/", Registry.Location(post).AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(target, unknown));
    }

    [Fact]
    public async Task Mount_without_from_of_an_unknown_digest_answers_202()
    {
        string target = NewRepo();
        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{target}/blobs/uploads/?mount={Digests.Unknown()}", RegistryClient.Octets([]));
        await OciAssert.Status(post, HttpStatusCode.Accepted);
        Assert.Contains($"/v2/{target}/blobs/uploads/", Registry.Location(post).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mount_from_an_unknown_repository_answers_202()
    {
        string owner = NewRepo(), target = NewRepo();
        var blob = Blob.Random(100);
        await Registry.PushBlobAsync(owner, blob);
        using var post = await Registry.SendAsync(HttpMethod.Post, $"/v2/{target}/blobs/uploads/?mount={blob.Digest}&from={NewRepo()}", RegistryClient.Octets([]));
        await OciAssert.Status(post, HttpStatusCode.Accepted);
        Assert.Equal(HttpStatusCode.NotFound, await Registry.BlobStatusAsync(target, blob.Digest));
    }
}

namespace Wharf.Core.Tests.Registry;

public sealed class UploadServiceTests : RegistryHarness
{
    private const string Repo = "team/model";

    [Fact]
    public async Task Chunks_in_order_make_the_blob_and_end_the_session()
    {
        var blob = Bytes(3000);
        var digest = Digest.Compute(blob);
        var session = await Uploads.StartAsync(Repo, Ct);

        Assert.Equal(1000, (await Uploads.AppendAsync(Repo, session.Id, 0, Body(blob[..1000]), Ct)).Value.Size);
        Assert.Equal(2000, (await Uploads.AppendAsync(Repo, session.Id, null, Body(blob[1000..2000]), Ct)).Value.Size);
        Assert.Equal(2000, (await Uploads.StatusAsync(Repo, session.Id, Ct)).Value.Size);
        var done = await Uploads.CompleteAsync(Repo, session.Id, digest, 2000, Body(blob[2000..]), Ct);

        Assert.Equal(new BlobInfo(digest, 3000), done.Value);
        Assert.Equal(3000, await Metadata.GetLinkedBlobSizeAsync(Repo, digest, Ct));
        Assert.Equal(blob, await File.ReadAllBytesAsync((await Blobs.OpenAsync(digest, Ct))!.PhysicalPath!));
        Assert.Null(await Metadata.GetUploadAsync(session.Id, Ct));
        Assert.Empty(UploadFiles);
        AssertError(await Uploads.StatusAsync(Repo, session.Id, Ct), OciErrorCode.BlobUploadUnknown);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(11)]
    public async Task An_out_of_order_chunk_is_refused_and_appends_nothing(long start)
    {
        var blob = Bytes(20);
        var session = await Uploads.StartAsync(Repo, Ct);
        await Uploads.AppendAsync(Repo, session.Id, 0, Body(blob[..10]), Ct);

        var refused = await Uploads.AppendAsync(Repo, session.Id, start, Body(blob[10..]), Ct);
        AssertError(refused, OciErrorCode.RangeInvalid);
        Assert.Equal(416, refused.Error!.Status);
        Assert.Equal(10, await Blobs.GetUploadSizeAsync(session.Id, Ct));

        // The session goes on from where it stands, and its hash saw none of the refused bytes.
        await Uploads.AppendAsync(Repo, session.Id, 10, Body(blob[10..]), Ct);
        Assert.True((await Uploads.CompleteAsync(Repo, session.Id, Digest.Compute(blob), null, null, Ct)).Ok);
    }

    [Fact]
    public async Task A_digest_mismatch_stores_nothing_visible()
    {
        var blob = Bytes(100);
        var claimed = Digest.Compute([.. blob, 0]);
        var session = await Uploads.StartAsync(Repo, Ct);
        await Uploads.AppendAsync(Repo, session.Id, 0, Body(blob), Ct);

        AssertError(await Uploads.CompleteAsync(Repo, session.Id, claimed, null, null, Ct), OciErrorCode.DigestInvalid);
        await AssertNothingVisibleAsync(Repo, session.Id, claimed, Digest.Compute(blob));
        AssertError(await Uploads.AppendAsync(Repo, session.Id, null, Body([1]), Ct), OciErrorCode.BlobUploadUnknown);
    }

    [Fact]
    public async Task A_monolithic_digest_mismatch_stores_nothing_visible()
    {
        var blob = Bytes(100);
        var claimed = Digest.Compute([.. blob, 1], Digest.Sha512);
        var result = await Uploads.PutMonolithicAsync(Repo, claimed, Body(blob), Ct);
        AssertError(result, OciErrorCode.DigestInvalid);
        Assert.Empty(UploadFiles);
        Assert.Empty(BlobFiles);
        Assert.Null(await Metadata.GetLinkedBlobSizeAsync(Repo, claimed, Ct));
        Assert.False(await Metadata.RepositoryExistsAsync(Repo, Ct));
    }

    [Fact]
    public async Task A_session_answers_only_in_its_own_repository()
    {
        var session = await Uploads.StartAsync(Repo, Ct);
        AssertError(await Uploads.StatusAsync("team/other", session.Id, Ct), OciErrorCode.BlobUploadUnknown);
        AssertError(await Uploads.AppendAsync("team/other", session.Id, null, Body([1]), Ct), OciErrorCode.BlobUploadUnknown);
        Assert.False(await Uploads.CancelAsync("team/other", session.Id, Ct));
        Assert.Equal(0, (await Uploads.StatusAsync(Repo, session.Id, Ct)).Value.Size);
    }

    [Fact]
    public async Task Cancel_removes_the_bytes_and_the_row()
    {
        var session = await Uploads.StartAsync(Repo, Ct);
        await Uploads.AppendAsync(Repo, session.Id, 0, Body(Bytes(10)), Ct);
        Assert.True(await Uploads.CancelAsync(Repo, session.Id, Ct));
        await AssertNothingVisibleAsync(Repo, session.Id);
        Assert.False(await Uploads.CancelAsync(Repo, session.Id, Ct));
    }

    [Fact]
    public async Task Expiry_leaves_a_session_busy_on_this_node_alone()
    {
        var session = await Uploads.StartAsync(Repo, Ct);
        await Uploads.AppendAsync(Repo, session.Id, 0, Body(Bytes(10)), Ct);
        var busy = Hashes.Get(session.Id).Lock;
        await busy.WaitAsync(Ct); // as a request receiving a chunk holds it
        Assert.False(await Uploads.ExpireAsync(session.Id, Ct));
        Assert.Equal(10, (await Uploads.StatusAsync(Repo, session.Id, Ct)).Value.Size);

        busy.Release();
        Assert.True(await Uploads.ExpireAsync(session.Id, Ct));
        await AssertNothingVisibleAsync(Repo, session.Id);
    }

    [Fact]
    public async Task The_same_blob_pushed_twice_is_stored_once_and_linked_twice()
    {
        var blob = Bytes(64);
        await PushAsync("team/a", blob);
        await PushAsync("team/b", blob);
        Assert.Single(BlobFiles);
        Assert.Empty(UploadFiles);
        Assert.Equal(64, await Metadata.GetLinkedBlobSizeAsync("team/b", Digest.Compute(blob), Ct));
    }

    [Fact]
    public async Task Mount_links_a_blob_the_source_repository_has()
    {
        var digest = await PushAsync("team/source", Bytes(50));
        Assert.Equal(new BlobInfo(digest, 50), await Uploads.MountAsync(Repo, "team/source", digest, Ct));
        Assert.Equal(50, await Metadata.GetLinkedBlobSizeAsync(Repo, digest, Ct));
        Assert.Single(BlobFiles);
    }

    [Theory]
    [InlineData("team/empty")] // stored in the registry, but not linked there
    [InlineData("Not/A/Name")]
    [InlineData(Repo)]
    public async Task Mount_from_a_repository_without_the_blob_links_nothing(string from)
    {
        var digest = await PushAsync("team/elsewhere", Bytes(50));
        await PushAsync("team/empty", Bytes(10));
        Assert.Null(await Uploads.MountAsync(Repo, from, digest, Ct));
        Assert.Null(await Metadata.GetLinkedBlobSizeAsync(Repo, digest, Ct));
    }

    [Fact]
    public async Task Mount_of_a_link_whose_bytes_are_gone_links_nothing()
    {
        var digest = await PushAsync("team/source", Bytes(50));
        await Blobs.DeleteAsync(digest, Ct);
        Assert.Null(await Uploads.MountAsync(Repo, "team/source", digest, Ct));
        Assert.Null(await Metadata.GetLinkedBlobSizeAsync(Repo, digest, Ct));
    }
}

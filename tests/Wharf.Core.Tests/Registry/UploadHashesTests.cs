using Wharf.Core.Registry;

namespace Wharf.Core.Tests.Registry;

/// <summary>Any replica can continue or complete a session: hash state is a cache, rebuilt from the stored bytes.</summary>
public sealed class UploadHashesTests : RegistryHarness
{
    private const string Repo = "team/model";

    [Fact]
    public async Task A_node_that_never_saw_the_session_completes_it_by_rehashing()
    {
        var blob = Bytes(5000);
        var session = await Uploads.StartAsync(Repo, Ct);
        await Uploads.AppendAsync(Repo, session.Id, 0, Body(blob), Ct);

        var other = Node();
        var done = await other.CompleteAsync(Repo, session.Id, Digest.Compute(blob), null, null, Ct);
        Assert.Equal(new BlobInfo(Digest.Compute(blob), 5000), done.Value);
    }

    [Fact]
    public async Task Chunks_alternating_between_nodes_hash_every_byte_once()
    {
        var blob = Bytes(4000);
        var (a, b) = (Node(), Node());
        var session = await a.StartAsync(Repo, Ct);
        await a.AppendAsync(Repo, session.Id, 0, Body(blob[..1000]), Ct);
        await b.AppendAsync(Repo, session.Id, 1000, Body(blob[1000..2000]), Ct);
        await a.AppendAsync(Repo, session.Id, 2000, Body(blob[2000..3000]), Ct); // a's state is stale: it rehashes
        var done = await b.CompleteAsync(Repo, session.Id, Digest.Compute(blob), 3000, Body(blob[3000..]), Ct);
        Assert.True(done.Ok, done.Error?.Message);
        Assert.Equal(4000, await Metadata.GetLinkedBlobSizeAsync(Repo, Digest.Compute(blob), Ct));
    }

    [Fact]
    public async Task A_fresh_node_still_refuses_a_wrong_digest()
    {
        var session = await Uploads.StartAsync(Repo, Ct);
        await Uploads.AppendAsync(Repo, session.Id, 0, Body(Bytes(10)), Ct);
        var claimed = Digest.Compute(Bytes(10));
        AssertError(await Node().CompleteAsync(Repo, session.Id, claimed, null, null, Ct), OciErrorCode.DigestInvalid);
        await AssertNothingVisibleAsync(Repo, session.Id, claimed);
    }

    [Fact]
    public async Task A_sha512_upload_is_verified_over_the_stored_bytes()
    {
        var blob = Bytes(3000);
        var digest = Digest.Compute(blob, Digest.Sha512);
        var session = await Uploads.StartAsync(Repo, Ct);
        await Uploads.AppendAsync(Repo, session.Id, 0, Body(blob[..1500]), Ct);
        Assert.Equal(new BlobInfo(digest, 3000), (await Node().CompleteAsync(Repo, session.Id, digest, 1500, Body(blob[1500..]), Ct)).Value);
    }

    [Fact]
    public void A_session_has_one_state_until_forgotten()
    {
        var hashes = new UploadHashes();
        var state = hashes.Get("u1");
        Assert.Same(state, hashes.Get("u1"));
        Assert.NotSame(state, hashes.Get("u2"));

        state.Set(Digest.CreateHash(Digest.Sha256), 42);
        hashes.Forget("u1");
        Assert.Null(state.Hash);
        Assert.Equal(0, state.Offset);
        Assert.NotSame(state, hashes.Get("u1"));
        hashes.Forget("never-seen");
    }
}

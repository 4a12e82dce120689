using System.Net;
using System.Security.Cryptography;
using System.Text;
using Wharf.Client.ModelPack;
using Wharf.Client.Transfer;
using Wharf.Core;

namespace Wharf.Client.Tests;

/// <summary>The client against the real registry host, in process.</summary>
public sealed class OciClientTests(LiveRegistry registry) : IClassFixture<LiveRegistry>
{
    private static (byte[] Bytes, Descriptor Descriptor) Blob(int size)
    {
        byte[] bytes = RandomNumberGenerator.GetBytes(size);
        return (bytes, new Descriptor(MediaTypes.OctetStream, Digest.Compute(bytes), size));
    }

    [Fact]
    public async Task Pushes_small_blobs_in_one_request_and_large_ones_in_chunks_and_skips_what_is_there()
    {
        using var client = registry.Client(new OciClientOptions { MonolithicLimit = 64 * 1024, ChunkSize = 100 * 1024 });
        string repo = LiveRegistry.NewRepo();
        var small = Blob(10_000);
        var large = Blob(1_000_000);

        var first = await client.PushBlobAsync(repo, small.Descriptor, UploadSource.FromBytes(small.Bytes));
        var second = await client.PushBlobAsync(repo, large.Descriptor, UploadSource.FromBytes(large.Bytes));
        var again = await client.PushBlobAsync(repo, large.Descriptor, UploadSource.FromBytes(large.Bytes));

        Assert.Equal((BlobPushOutcome.Uploaded, 10_000L), (first.Outcome, first.BytesSent));
        Assert.Equal((BlobPushOutcome.Uploaded, 1_000_000L), (second.Outcome, second.BytesSent));
        Assert.Equal((BlobPushOutcome.Existed, 0L), (again.Outcome, again.BytesSent));
        Assert.Equal(1_000_000, await client.HeadBlobAsync(repo, large.Descriptor.Digest));
        Assert.Equal(small.Bytes, await client.GetBlobBytesAsync(repo, small.Descriptor));
    }

    [Fact]
    public async Task A_chunk_that_breaks_mid_flight_is_resumed_from_the_offset_the_registry_reports()
    {
        using var faults = new FaultHandler { BreakPatchNumber = 3, BreakAfterBytes = 50_000 };
        using var client = registry.Client(new OciClientOptions { MonolithicLimit = 1, ChunkSize = 200_000, Handler = faults });
        string repo = LiveRegistry.NewRepo();
        var blob = Blob(1_000_000);

        var result = await client.PushBlobAsync(repo, blob.Descriptor, UploadSource.FromBytes(blob.Bytes));

        Assert.Equal(BlobPushOutcome.Uploaded, result.Outcome);
        Assert.True(faults.Patches > 5, $"only {faults.Patches} PATCH requests: the broken one was not retried");
        // At most the broken part of one chunk is sent twice.
        Assert.InRange(result.BytesSent, 1_000_000, 1_000_000 + 50_000);
        using var check = registry.Client();
        Assert.Equal(blob.Bytes, await check.GetBlobBytesAsync(repo, blob.Descriptor));
    }

    [Fact]
    public async Task An_upload_recorded_in_the_journal_by_an_earlier_run_resumes_where_the_session_stands()
    {
        using var dir = new TempDirectory("wharf-ct");
        using var client = registry.Client(new OciClientOptions { MonolithicLimit = 1, ChunkSize = 300_000 });
        string repo = LiveRegistry.NewRepo();
        var blob = Blob(900_000);
        // An earlier run: it opened a session and sent 300 000 bytes before it died.
        var upload = await client.StartUploadAsync(repo);
        using (var http = new HttpClient())
        {
            var content = new ByteArrayContent(blob.Bytes[..300_000]);
            content.Headers.TryAddWithoutValidation("Content-Range", "0-299999");
            using var patch = await http.SendAsync(new HttpRequestMessage(HttpMethod.Patch, upload) { Content = content });
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            upload = new Uri(upload, patch.Headers.Location!);
        }
        var journal = PushJournal.Open(dir.Path, client.Registry, repo);
        journal.Save(blob.Descriptor.Digest, upload);

        var reopened = PushJournal.Open(dir.Path, client.Registry, repo);
        var result = await client.PushBlobAsync(repo, blob.Descriptor, UploadSource.FromBytes(blob.Bytes), reopened);

        Assert.Equal(300_000, result.ResumedFrom);
        Assert.Equal(600_000, result.BytesSent);
        Assert.Equal(0, reopened.Count);
        Assert.False(File.Exists(reopened.Path));
        Assert.Equal(blob.Bytes, await client.GetBlobBytesAsync(repo, blob.Descriptor));
    }

    [Fact]
    public async Task Downloads_resume_from_a_partial_file_and_refuse_corrupted_bytes()
    {
        using var dir = new TempDirectory("wharf-ct");
        using var client = registry.Client();
        string repo = LiveRegistry.NewRepo();
        var blob = Blob(500_000);
        await client.PushBlobAsync(repo, blob.Descriptor, UploadSource.FromBytes(blob.Bytes));

        string path = Path.Combine(dir.Path, "weights.bin");
        File.WriteAllBytes(path + ".partial", blob.Bytes[..200_000]);
        long transferred = await client.DownloadBlobAsync(repo, blob.Descriptor, path);
        Assert.Equal(300_000, transferred);
        Assert.Equal(blob.Bytes, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".partial"));

        using var faults = new FaultHandler { CorruptBlobs = true };
        using var corrupted = registry.Client(new OciClientOptions { Handler = faults });
        string bad = Path.Combine(dir.Path, "bad.bin");
        var error = await Assert.ThrowsAsync<RegistryException>(() => corrupted.DownloadBlobAsync(repo, blob.Descriptor, bad));
        Assert.Equal("DIGEST_INVALID", error.Code);
        Assert.False(File.Exists(bad));
        Assert.False(File.Exists(bad + ".partial"));
    }

    [Fact]
    public async Task Manifests_tags_with_paging_catalog_mount_and_referrers()
    {
        using var client = registry.Client();
        string repo = LiveRegistry.NewRepo("list");
        byte[] empty = "{}"u8.ToArray();
        var config = new Descriptor(MediaTypes.OciEmpty, Digest.Compute(empty), 2);
        await client.PushBlobAsync(repo, config, UploadSource.FromBytes(empty));
        var layer = Blob(1000);
        await client.PushBlobAsync(repo, layer.Descriptor, UploadSource.FromBytes(layer.Bytes));
        byte[] manifest = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",\"artifactType\":\"application/x.test\",\"config\":{{\"mediaType\":\"{MediaTypes.OciEmpty}\",\"digest\":\"{config.Digest}\",\"size\":2}},"
            + $"\"layers\":[{{\"mediaType\":\"{MediaTypes.OctetStream}\",\"digest\":\"{layer.Descriptor.Digest}\",\"size\":1000}}]}}");
        var digest = await client.PutManifestAsync(repo, "v1", manifest, MediaTypes.OciManifest);
        foreach (string tag in new[] { "v2", "v3", "v4", "v5" }) await client.PutManifestAsync(repo, tag, manifest, MediaTypes.OciManifest);

        var fetched = await client.GetManifestAsync(repo, digest.ToString());
        Assert.Equal(manifest, fetched!.Bytes);
        Assert.Equal(digest, (await client.HeadManifestAsync(repo, "v3"))!.Digest);
        Assert.Null(await client.GetManifestAsync(repo, "missing"));

        var tags = new List<string>();
        await foreach (string tag in client.ListTagsAsync(repo, pageSize: 2)) tags.Add(tag);
        Assert.Equal(["v1", "v2", "v3", "v4", "v5"], tags.Order(StringComparer.Ordinal));
        var repositories = new List<string>();
        await foreach (string r in client.CatalogAsync(pageSize: 1)) repositories.Add(r);
        Assert.Contains(repo, repositories);

        string other = LiveRegistry.NewRepo("mount");
        Assert.True(await client.MountBlobAsync(other, layer.Descriptor.Digest, repo));
        Assert.Equal(1000, await client.HeadBlobAsync(other, layer.Descriptor.Digest));

        var card = Blob(64);
        await client.PushBlobAsync(repo, card.Descriptor, UploadSource.FromBytes(card.Bytes));
        byte[] attachment = Attachments.BuildManifest(Attachments.ArtifactTypes["card"], "card", card.Descriptor, "CARD.md",
            new Descriptor(MediaTypes.OciManifest, digest, manifest.Length), null);
        var attached = await client.PutManifestAsync(repo, Digest.Compute(attachment).ToString(), attachment, MediaTypes.OciManifest);
        var referrers = await client.ListReferrersAsync(repo, digest);
        Assert.Equal(attached, Assert.Single(referrers).Digest);
        Assert.Empty(await client.ListReferrersAsync(repo, digest, "application/x.other"));
    }

    [Fact]
    public async Task Docker_token_auth_fetches_a_token_once_per_scope_and_sends_it_up_front()
    {
        using var gate = new AuthGate("Bearer", "alice", "s3cret");
        using var client = registry.Client(new OciClientOptions
        {
            Handler = gate,
            Credentials = new Auth.StaticCredentials(new Auth.RegistryCredential("alice", "s3cret")),
            MonolithicLimit = 1,
            ChunkSize = 100_000,
        });
        string repo = LiveRegistry.NewRepo("auth");
        var blob = Blob(450_000);

        await client.PushBlobAsync(repo, blob.Descriptor, UploadSource.FromBytes(blob.Bytes));
        Assert.Equal(blob.Bytes, await client.GetBlobBytesAsync(repo, blob.Descriptor));

        Assert.Equal(1, gate.TokensIssued);
        Assert.Equal([$"repository:{repo}:pull,push"], gate.Scopes);

        using var wrong = registry.Client(new OciClientOptions
        {
            Handler = gate,
            Credentials = new Auth.StaticCredentials(new Auth.RegistryCredential("alice", "wrong")),
        });
        var error = await Assert.ThrowsAsync<RegistryException>(() => wrong.HeadBlobAsync(repo, blob.Descriptor.Digest));
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Contains("credentials were refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_is_sent_after_the_first_challenge_and_refused_credentials_surface_as_401()
    {
        using var gate = new AuthGate("Basic", "bob", "pw");
        using var client = registry.Client(new OciClientOptions { Handler = gate, Credentials = new Auth.StaticCredentials(new Auth.RegistryCredential("bob", "pw")) });
        Assert.True(await client.PingAsync());
        string repo = LiveRegistry.NewRepo("basic");
        var blob = Blob(1000);
        Assert.Equal(BlobPushOutcome.Uploaded, (await client.PushBlobAsync(repo, blob.Descriptor, UploadSource.FromBytes(blob.Bytes))).Outcome);

        using var anonymous = registry.Client(new OciClientOptions { Handler = gate });
        var error = await Assert.ThrowsAsync<RegistryException>(() => anonymous.PingAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
    }
}

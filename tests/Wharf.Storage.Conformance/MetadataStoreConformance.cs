using System.Text;
using Wharf.Core;

namespace Wharf.Storage.Conformance;

/// <summary>
/// What every <see cref="IMetadataStore"/> must do. A backend subclasses this with a factory for a fresh,
/// empty store per test, and a way to read tag history (which the contract does not expose yet).
/// </summary>
public abstract class MetadataStoreConformance : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    protected IMetadataStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>A new, empty, not yet migrated store not shared with any other test.</summary>
    protected abstract Task<IMetadataStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    /// <summary>The tag's history rows in the order they were written.</summary>
    protected abstract Task<IReadOnlyList<(Digest? Old, Digest? New)>> ReadTagHistoryAsync(string repository, string tag);

    /// <summary>Who each of the tag's history rows names (null: nobody), in the order they were written.</summary>
    protected abstract Task<IReadOnlyList<string?>> ReadTagHistoryActorsAsync(string repository, string tag);

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.MigrateAsync(Ct);
    }

    public Task DisposeAsync() => DisposeStoreAsync();

    protected static ManifestRecord Manifest(string seed, Digest? subject = null, string? artifactType = null,
        IReadOnlyDictionary<string, string>? annotations = null, string mediaType = MediaTypes.OciManifest)
    {
        var content = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"seed":"{{seed}}"}""");
        return new ManifestRecord(Digest.Compute(content), mediaType, content, artifactType, subject, annotations, T0);
    }

    protected Task<ManifestPutResult> PutAsync(string repository, ManifestRecord manifest, string? tag = null,
        Digest[]? blobs = null, Digest[]? manifests = null, TagGuard? guard = null) =>
        Store.PutManifestAsync(new ManifestPut(repository, manifest, tag, blobs ?? [], manifests ?? [], guard), Ct);

    /// <summary>Protects the tags that start with "v", as an immutable-tag policy "v*" would.</summary>
    protected static readonly TagGuard VersionsImmutable = new(tag => tag.StartsWith('v'));

    protected async Task StoredAsync(string repository, ManifestRecord manifest, string? tag = null, Digest[]? blobs = null,
        Digest[]? manifests = null, TagGuard? guard = null) =>
        // Previous (where a moved tag pointed) has its own test below.
        Assert.Equal(new ManifestPutResult(ManifestPutOutcome.Stored),
            await PutAsync(repository, manifest, tag, blobs, manifests, guard) with { Previous = null });

    private async Task<List<string>> AllTagsAsync(string repository, int pageSize)
    {
        var all = new List<string>();
        string? last = null;
        while (true)
        {
            var page = await Store.ListTagsAsync(repository, last, pageSize, Ct);
            Assert.True(page.Count <= pageSize);
            if (page.Count == 0) return all;
            all.AddRange(page);
            last = page[^1];
        }
    }

    [StoreFact]
    public async Task Migrating_again_is_a_no_op_that_keeps_data()
    {
        await Store.LinkBlobAsync("team/model", TestData.DigestOf("a"), 1, Ct);
        await Store.MigrateAsync(Ct);
        await Store.MigrateAsync(Ct);
        Assert.Equal(1, await Store.GetLinkedBlobSizeAsync("team/model", TestData.DigestOf("a"), Ct));
    }

    [StoreFact]
    public async Task A_put_that_moves_a_tag_names_where_the_tag_pointed_before()
    {
        var first = Manifest("first");
        var second = Manifest("second");
        Assert.Null((await PutAsync("team/model", first, "latest")).Previous); // a new tag
        Assert.Null((await PutAsync("team/model", first, "latest")).Previous); // the same digest: nothing moved
        Assert.Null((await PutAsync("team/model", second)).Previous); // no tag
        var moved = await PutAsync("team/model", second, "latest");
        Assert.Equal(ManifestPutOutcome.Stored, moved.Outcome);
        Assert.Equal(first.Digest, moved.Previous);
        Assert.Null((await PutAsync("team/model", first, "stable")).Previous); // a new tag beside a moved one
        Assert.Equal(second.Digest, (await PutAsync("team/model", first, "latest")).Previous);
    }

    [StoreFact]
    public async Task Links_are_per_repository_idempotent_and_removable()
    {
        var digest = TestData.DigestOf("layer");
        Assert.False(await Store.RepositoryExistsAsync("team/model", Ct));

        await Store.LinkBlobAsync("team/model", digest, 42, Ct);
        await Store.LinkBlobAsync("team/model", digest, 42, Ct);

        Assert.True(await Store.RepositoryExistsAsync("team/model", Ct));
        Assert.Equal(42, await Store.GetLinkedBlobSizeAsync("team/model", digest, Ct));
        Assert.Null(await Store.GetLinkedBlobSizeAsync("team/other", digest, Ct));
        Assert.Null(await Store.GetLinkedBlobSizeAsync("team/model", TestData.DigestOf("other"), Ct));
        Assert.Equal(DeleteOutcome.NotFound, await Store.UnlinkBlobAsync("team/other", digest, Ct));
        Assert.Equal(DeleteOutcome.Deleted, await Store.UnlinkBlobAsync("team/model", digest, Ct));
        Assert.Equal(DeleteOutcome.NotFound, await Store.UnlinkBlobAsync("team/model", digest, Ct));
        Assert.Null(await Store.GetLinkedBlobSizeAsync("team/model", digest, Ct));
    }

    [StoreFact]
    public async Task A_stored_manifest_reads_back_exactly()
    {
        var config = TestData.DigestOf("config");
        await Store.LinkBlobAsync("team/model", config, 2, Ct);
        var subject = TestData.DigestOf("subject");
        var annotations = new Dictionary<string, string> { ["org.opencontainers.image.title"] = "model", ["b"] = "ü" };
        var manifest = Manifest("m", subject, "application/vnd.cncf.model.manifest.v1+json", annotations);

        await StoredAsync("team/model", manifest, "v1", [config]);

        var read = await Store.GetManifestAsync("team/model", manifest.Digest, Ct);
        Assert.NotNull(read);
        Assert.Equal(manifest.Digest, read.Digest);
        Assert.Equal(manifest.MediaType, read.MediaType);
        Assert.Equal(manifest.Content, read.Content);
        Assert.Equal(manifest.Size, read.Size);
        Assert.Equal(manifest.ArtifactType, read.ArtifactType);
        Assert.Equal(subject, read.Subject);
        Assert.Equal(annotations.OrderBy(p => p.Key), read.Annotations!.OrderBy(p => p.Key));
        Assert.Equal(T0, read.CreatedAt);
        Assert.Equal(manifest.Digest, await Store.ResolveTagAsync("team/model", "v1", Ct));

        var bare = Manifest("bare");
        await StoredAsync("team/model", bare);
        var readBare = await Store.GetManifestAsync("team/model", bare.Digest, Ct);
        Assert.Null(readBare!.ArtifactType);
        Assert.Null(readBare.Subject);
        Assert.Null(readBare.Annotations);

        Assert.Null(await Store.GetManifestAsync("team/other", manifest.Digest, Ct));
        Assert.Null(await Store.ResolveTagAsync("team/model", "v2", Ct));
        Assert.Null(await Store.ResolveTagAsync("team/other", "v1", Ct));
    }

    [StoreFact]
    public async Task A_tag_reads_its_manifest_in_one_call_and_follows_a_move()
    {
        var subject = TestData.DigestOf("subject");
        var annotations = new Dictionary<string, string> { ["org.opencontainers.image.title"] = "model" };
        var first = Manifest("first", subject, "application/vnd.cncf.model.manifest.v1+json", annotations);
        var second = Manifest("second");
        await StoredAsync("team/model", first, "latest");
        await StoredAsync("team/model", second);

        var read = await Store.GetTaggedManifestAsync("team/model", "latest", Ct);
        Assert.NotNull(read);
        Assert.Equal(first.Digest, read.Digest);
        Assert.Equal(first.Content, read.Content);
        Assert.Equal(first.MediaType, read.MediaType);
        Assert.Equal(first.ArtifactType, read.ArtifactType);
        Assert.Equal(subject, read.Subject);
        Assert.Equal(annotations, read.Annotations);
        Assert.Equal(T0, read.CreatedAt);

        await StoredAsync("team/model", second, "latest");
        Assert.Equal(second.Digest, (await Store.GetTaggedManifestAsync("team/model", "latest", Ct))!.Digest);
        Assert.Null(await Store.GetTaggedManifestAsync("team/model", "v9", Ct));
        Assert.Null(await Store.GetTaggedManifestAsync("team/other", "latest", Ct));
        await Store.DeleteTagAsync("team/model", "latest", null, Ct);
        Assert.Null(await Store.GetTaggedManifestAsync("team/model", "latest", Ct));
    }

    [StoreFact]
    public async Task Putting_the_same_manifest_again_is_idempotent()
    {
        var manifest = Manifest("m");
        await StoredAsync("team/model", manifest, "a");
        await StoredAsync("team/model", manifest, "a");
        await StoredAsync("team/model", manifest, "b");
        Assert.Equal(manifest.Content, (await Store.GetManifestAsync("team/model", manifest.Digest, Ct))!.Content);
        Assert.Equal(["a", "b"], await Store.ListTagsAsync("team/model", null, 10, Ct));
        Assert.Single(await ReadTagHistoryAsync("team/model", "a"));
    }

    [StoreFact]
    public async Task A_put_with_a_missing_blob_names_the_first_and_changes_nothing()
    {
        var linked = TestData.DigestOf("linked");
        var missing1 = TestData.DigestOf("missing1");
        var missing2 = TestData.DigestOf("missing2");
        var elsewhere = TestData.DigestOf("elsewhere");
        await Store.LinkBlobAsync("team/model", linked, 1, Ct);
        await Store.LinkBlobAsync("team/other", elsewhere, 1, Ct);
        var old = Manifest("old");
        await StoredAsync("team/model", old, "latest", [linked]);
        var rejected = Manifest("new");

        Assert.Equal(new ManifestPutResult(ManifestPutOutcome.BlobUnknown, missing1),
            await PutAsync("team/model", rejected, "latest", [linked, missing1, missing2]));
        Assert.Equal(new ManifestPutResult(ManifestPutOutcome.BlobUnknown, elsewhere),
            await PutAsync("team/model", rejected, "latest", [elsewhere]));

        Assert.Null(await Store.GetManifestAsync("team/model", rejected.Digest, Ct));
        Assert.Equal(old.Digest, await Store.ResolveTagAsync("team/model", "latest", Ct));
        Assert.Single(await ReadTagHistoryAsync("team/model", "latest"));

        Assert.Equal(new ManifestPutResult(ManifestPutOutcome.BlobUnknown, missing2), await PutAsync("team/new", rejected, "v1", [missing2]));
        Assert.False(await Store.RepositoryExistsAsync("team/new", Ct));
        Assert.Null(await Store.ResolveTagAsync("team/new", "v1", Ct));
        Assert.DoesNotContain("team/new", await Store.ListRepositoriesAsync(null, 100, Ct));
    }

    [StoreFact]
    public async Task A_put_with_a_missing_manifest_names_the_first_and_changes_nothing()
    {
        var child = Manifest("child");
        var foreign = Manifest("foreign");
        await StoredAsync("team/model", child);
        await StoredAsync("team/other", foreign);
        var index = Manifest("index", mediaType: MediaTypes.OciIndex);
        var absent = TestData.DigestOf("absent");

        Assert.Equal(new ManifestPutResult(ManifestPutOutcome.ManifestUnknown, absent),
            await PutAsync("team/model", index, "latest", manifests: [child.Digest, absent, foreign.Digest]));
        Assert.Equal(new ManifestPutResult(ManifestPutOutcome.ManifestUnknown, foreign.Digest),
            await PutAsync("team/model", index, "latest", manifests: [foreign.Digest]));
        Assert.Null(await Store.GetManifestAsync("team/model", index.Digest, Ct));
        Assert.Null(await Store.ResolveTagAsync("team/model", "latest", Ct));
        Assert.Empty(await ReadTagHistoryAsync("team/model", "latest"));

        await StoredAsync("team/model", index, "latest", manifests: [child.Digest]);
        Assert.Equal(index.Digest, await Store.ResolveTagAsync("team/model", "latest", Ct));
    }

    [StoreFact]
    public async Task Tags_list_in_byte_order_and_page_after_last()
    {
        string[] tags = ["v1.0", "latest", "V2", "_hidden", "1", "v1.0-rc1", "v1.0.1", "a", "Z", "v1.0_x", "0.9"];
        var manifest = Manifest("m");
        foreach (var tag in tags) await StoredAsync("team/model", manifest, tag);
        var expected = tags.Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, await Store.ListTagsAsync("team/model", null, 100, Ct));
        Assert.Equal(expected, await AllTagsAsync("team/model", 2));
        Assert.Equal(expected, await AllTagsAsync("team/model", 1));
        Assert.Equal(expected.Take(3), await Store.ListTagsAsync("team/model", null, 3, Ct));
        Assert.Equal(expected.Where(t => string.CompareOrdinal(t, "b") > 0), await Store.ListTagsAsync("team/model", "b", 100, Ct));
        Assert.Empty(await Store.ListTagsAsync("team/model", expected[^1], 100, Ct));
        Assert.Empty(await Store.ListTagsAsync("team/model", null, 0, Ct));
        Assert.Empty(await Store.ListTagsAsync("team/unknown", null, 100, Ct));
    }

    [StoreFact]
    public async Task Moving_and_deleting_a_tag_writes_history()
    {
        var m1 = Manifest("m1");
        var m2 = Manifest("m2");
        await StoredAsync("team/model", m1, "latest");
        await StoredAsync("team/model", m2, "latest");
        await StoredAsync("team/model", m2, "latest"); // not a move

        Assert.Equal(m2.Digest, await Store.ResolveTagAsync("team/model", "latest", Ct));
        Assert.Equal([(null, m1.Digest), (m1.Digest, m2.Digest)], await ReadTagHistoryAsync("team/model", "latest"));

        Assert.Equal(DeleteOutcome.Deleted, await Store.DeleteTagAsync("team/model", "latest", null, Ct));
        Assert.Equal(DeleteOutcome.NotFound, await Store.DeleteTagAsync("team/model", "latest", null, Ct));
        Assert.Equal(DeleteOutcome.NotFound, await Store.DeleteTagAsync("team/unknown", "latest", null, Ct));

        Assert.Null(await Store.ResolveTagAsync("team/model", "latest", Ct));
        Assert.NotNull(await Store.GetManifestAsync("team/model", m2.Digest, Ct)); // the manifest stays
        Assert.Equal([(null, m1.Digest), (m1.Digest, m2.Digest), (m2.Digest, null)], await ReadTagHistoryAsync("team/model", "latest"));
    }

    [StoreFact]
    public async Task Tag_history_names_who_moved_and_deleted_each_tag()
    {
        var m1 = Manifest("m1");
        var m2 = Manifest("m2");
        Assert.Equal(ManifestPutOutcome.Stored,
            (await Store.PutManifestAsync(new ManifestPut("team/model", m1, "latest", [], [], Actor: "user:alice"), Ct)).Outcome);
        Assert.Equal(ManifestPutOutcome.Stored,
            (await Store.PutManifestAsync(new ManifestPut("team/model", m2, "latest", [], [], Actor: "robot:ci"), Ct)).Outcome);
        // A re-push that moves nothing writes no row, whoever makes it.
        Assert.Equal(ManifestPutOutcome.Stored,
            (await Store.PutManifestAsync(new ManifestPut("team/model", m2, "latest", [], [], Actor: "user:mallory"), Ct)).Outcome);
        await StoredAsync("team/model", m1, "nobody"); // no actor given: the row names nobody
        await StoredAsync("team/model", m2, "stable");
        await StoredAsync("team/model", m2, "edge");

        Assert.Equal(DeleteOutcome.Deleted, await Store.DeleteTagAsync("team/model", "latest", null, "anonymous", Ct));
        Assert.Equal(DeleteOutcome.NotFound, await Store.DeleteTagAsync("team/model", "latest", null, "user:bob", Ct));
        Assert.Equal(DeleteOutcome.Deleted, await Store.DeleteManifestAsync("team/model", m2.Digest, null, "user:carol", Ct));

        Assert.Equal(["user:alice", "robot:ci", "anonymous"], await ReadTagHistoryActorsAsync("team/model", "latest"));
        Assert.Equal([(null, m1.Digest), (m1.Digest, m2.Digest), (m2.Digest, null)], await ReadTagHistoryAsync("team/model", "latest"));
        Assert.Equal([null], await ReadTagHistoryActorsAsync("team/model", "nobody"));
        Assert.Equal([null, "user:carol"], await ReadTagHistoryActorsAsync("team/model", "stable"));
        Assert.Equal([null, "user:carol"], await ReadTagHistoryActorsAsync("team/model", "edge"));
    }

    [StoreFact]
    public async Task A_refused_move_or_delete_writes_no_history_for_its_actor()
    {
        var release = Manifest("release");
        await StoredAsync("team/model", release, "v1", guard: VersionsImmutable);
        Assert.Equal(ManifestPutOutcome.TagProtected, (await Store.PutManifestAsync(
            new ManifestPut("team/model", Manifest("other"), "v1", [], [], VersionsImmutable, "user:mallory"), Ct)).Outcome);
        Assert.Equal(DeleteOutcome.Protected, await Store.DeleteTagAsync("team/model", "v1", VersionsImmutable, "user:mallory", Ct));
        Assert.Equal(DeleteOutcome.Protected, await Store.DeleteManifestAsync("team/model", release.Digest, VersionsImmutable, "user:mallory", Ct));
        Assert.Equal([null], await ReadTagHistoryActorsAsync("team/model", "v1"));
    }

    [StoreFact]
    public async Task Deleting_a_manifest_removes_its_tags_and_only_its_own()
    {
        var doomed = Manifest("doomed");
        var kept = Manifest("kept");
        await StoredAsync("team/model", doomed, "a");
        await StoredAsync("team/model", doomed, "b");
        await StoredAsync("team/model", kept, "c");
        await StoredAsync("team/other", doomed, "a");

        Assert.Equal(DeleteOutcome.Deleted, await Store.DeleteManifestAsync("team/model", doomed.Digest, null, Ct));

        Assert.Null(await Store.GetManifestAsync("team/model", doomed.Digest, Ct));
        Assert.Equal(["c"], await Store.ListTagsAsync("team/model", null, 10, Ct));
        Assert.Equal([(null, doomed.Digest), (doomed.Digest, null)], await ReadTagHistoryAsync("team/model", "a"));
        Assert.Equal([(null, doomed.Digest), (doomed.Digest, null)], await ReadTagHistoryAsync("team/model", "b"));
        Assert.Equal(doomed.Digest, await Store.ResolveTagAsync("team/other", "a", Ct));
        Assert.NotNull(await Store.GetManifestAsync("team/other", doomed.Digest, Ct));

        Assert.Equal(DeleteOutcome.NotFound, await Store.DeleteManifestAsync("team/model", doomed.Digest, null, Ct));
        Assert.Equal(DeleteOutcome.NotFound, await Store.DeleteManifestAsync("team/unknown", doomed.Digest, null, Ct));
        await StoredAsync("team/model", doomed, "a"); // and it can be pushed again
    }

    [StoreFact]
    public async Task Referrers_list_by_subject_with_and_without_an_artifact_type()
    {
        var subject = Manifest("subject");
        await StoredAsync("team/model", subject, "v1");
        const string Sbom = "application/vnd.example.sbom+json";
        var annotations = new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2025-01-02" };
        var sbom = Manifest("sbom", subject.Digest, Sbom, annotations);
        var signature = Manifest("sig", subject.Digest, "application/vnd.example.sig");
        var untyped = Manifest("untyped", subject.Digest);
        var unrelated = Manifest("unrelated", TestData.DigestOf("another subject"), Sbom);
        foreach (var m in new[] { sbom, signature, untyped, unrelated }) await StoredAsync("team/model", m);
        await StoredAsync("team/other", Manifest("other repo", subject.Digest, Sbom));

        var all = await Store.ListReferrersAsync("team/model", subject.Digest, null, Ct);
        Assert.Equal(new[] { sbom, signature, untyped }.Select(m => m.Digest.ToString()).Order(), all.Select(r => r.Digest.ToString()).Order());

        var typed = Assert.Single(await Store.ListReferrersAsync("team/model", subject.Digest, Sbom, Ct));
        Assert.Equal(sbom.Digest, typed.Digest);
        Assert.Equal(sbom.MediaType, typed.MediaType);
        Assert.Equal(sbom.Size, typed.Size);
        Assert.Equal(Sbom, typed.ArtifactType);
        Assert.Equal(annotations, typed.Annotations);
        Assert.Null(all.Single(r => r.Digest == untyped.Digest).ArtifactType);

        Assert.Empty(await Store.ListReferrersAsync("team/model", subject.Digest, "application/vnd.example.none", Ct));
        Assert.Empty(await Store.ListReferrersAsync("team/unknown", subject.Digest, null, Ct));
        Assert.Empty(await Store.ListReferrersAsync("team/model", sbom.Digest, null, Ct));

        Assert.Equal(DeleteOutcome.Deleted, await Store.DeleteManifestAsync("team/model", signature.Digest, null, Ct));
        Assert.Equal(2, (await Store.ListReferrersAsync("team/model", subject.Digest, null, Ct)).Count);
    }

    [StoreFact]
    public async Task Referrers_are_listed_before_their_subject_is_pushed()
    {
        var subject = TestData.DigestOf("not pushed yet");
        var referrer = Manifest("early", subject, "application/vnd.example.sig");
        await StoredAsync("team/model", referrer);
        Assert.Equal(referrer.Digest, Assert.Single(await Store.ListReferrersAsync("team/model", subject, null, Ct)).Digest);
    }

    [StoreFact]
    public async Task Repositories_list_in_byte_order_while_they_hold_something()
    {
        string[] names = ["b", "a_b", "a/b", "a.b", "a-b", "a", "team/model"];
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            if (i % 2 == 0) await Store.LinkBlobAsync(name, TestData.DigestOf(name), 1, Ct);
            else await StoredAsync(name, Manifest(name));
        }
        await PutAsync("ghost", Manifest("ghost"), blobs: [TestData.DigestOf("missing")]);
        await Store.LinkBlobAsync("emptied", TestData.DigestOf("x"), 1, Ct);
        await Store.UnlinkBlobAsync("emptied", TestData.DigestOf("x"), Ct);
        var expected = names.Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, await Store.ListRepositoriesAsync(null, 100, Ct));
        Assert.Equal(expected.Take(2), await Store.ListRepositoriesAsync(null, 2, Ct));
        Assert.Equal(expected.Skip(3).Take(2), await Store.ListRepositoriesAsync(expected[2], 2, Ct));
        Assert.Equal(["b", "team/model"], await Store.ListRepositoriesAsync("a~", 100, Ct));
        Assert.Empty(await Store.ListRepositoriesAsync(null, 0, Ct));
        Assert.False(await Store.RepositoryExistsAsync("ghost", Ct));
        Assert.False(await Store.RepositoryExistsAsync("emptied", Ct));
        Assert.True(await Store.RepositoryExistsAsync("a/b", Ct));
    }

    [StoreFact]
    public async Task Upload_sessions_are_created_read_touched_and_deleted()
    {
        var session = new UploadSession("u1", "team/model", T0, T0);
        await Store.CreateUploadAsync(session, Ct);
        Assert.Equal(session, await Store.GetUploadAsync("u1", Ct));
        Assert.Null(await Store.GetUploadAsync("u2", Ct));

        await Store.TouchUploadAsync("u1", T0.AddMinutes(5), Ct);
        Assert.Equal(session with { UpdatedAt = T0.AddMinutes(5) }, await Store.GetUploadAsync("u1", Ct));
        await Store.TouchUploadAsync("u2", T0, Ct); // touching a gone session is harmless

        Assert.Equal(DeleteOutcome.Deleted, await Store.DeleteUploadAsync("u1", Ct));
        Assert.Equal(DeleteOutcome.NotFound, await Store.DeleteUploadAsync("u1", Ct));
        Assert.Null(await Store.GetUploadAsync("u1", Ct));
    }

    [StoreFact]
    public async Task Idle_uploads_list_oldest_first_strictly_before_the_cutoff()
    {
        await Store.CreateUploadAsync(new UploadSession("c", "r", T0, T0.AddHours(2)), Ct);
        await Store.CreateUploadAsync(new UploadSession("a", "r", T0, T0), Ct);
        await Store.CreateUploadAsync(new UploadSession("b", "r", T0, T0.AddHours(1)), Ct);

        Assert.Equal(["a", "b"], (await Store.ListUploadsIdleSinceAsync(T0.AddMinutes(90), 10, Ct)).Select(s => s.Id));
        Assert.Equal(["a"], (await Store.ListUploadsIdleSinceAsync(T0.AddMinutes(90), 1, Ct)).Select(s => s.Id));
        Assert.Empty(await Store.ListUploadsIdleSinceAsync(T0, 10, Ct));

        await Store.TouchUploadAsync("a", T0.AddHours(3), Ct);
        Assert.Equal(["b"], (await Store.ListUploadsIdleSinceAsync(T0.AddMinutes(90), 10, Ct)).Select(s => s.Id));
    }

    [StoreFact]
    public async Task Concurrent_puts_to_one_tag_serialize()
    {
        var layer = TestData.DigestOf("layer");
        await Store.LinkBlobAsync("team/model", layer, 1, Ct);
        var manifests = Enumerable.Range(0, 24).Select(i => Manifest($"m{i}")).ToList();

        var results = await Task.WhenAll(manifests.Select(m => Task.Run(() => PutAsync("team/model", m, "latest", [layer]))));

        Assert.All(results, r => Assert.Equal(ManifestPutOutcome.Stored, r.Outcome));
        var history = await ReadTagHistoryAsync("team/model", "latest");
        Assert.Equal(manifests.Count, history.Count);
        // Each move starts where the previous one ended: no put saw a stale tag.
        Assert.Null(history[0].Old);
        for (int i = 1; i < history.Count; i++) Assert.Equal(history[i - 1].New, history[i].Old);
        Assert.Equal(history[^1].New, await Store.ResolveTagAsync("team/model", "latest", Ct));
        Assert.Equal(manifests.Select(m => m.Digest.ToString()).Order(), history.Select(h => h.New.ToString()).Order());
    }

    [StoreFact]
    public async Task Concurrent_first_writes_create_each_repository_once()
    {
        var names = Enumerable.Range(0, 12).Select(i => $"team/r{i:D2}").ToList();
        var work = names.SelectMany(name => Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await Store.LinkBlobAsync(name, TestData.DigestOf($"{name}/{i}"), i, Ct);
            await StoredAsync(name, Manifest($"{name}/{i}"), $"t{i}");
        })));

        await Task.WhenAll(work);

        Assert.Equal(names, await Store.ListRepositoriesAsync(null, 100, Ct));
        foreach (var name in names) Assert.Equal(4, (await Store.ListTagsAsync(name, null, 100, Ct)).Count);
    }

    [StoreFact]
    public async Task Annotations_keep_any_text_a_manifest_may_carry()
    {
        var annotations = new Dictionary<string, string>
        {
            ["nul"] = "a\u0000b",
            ["emoji"] = "🚢 wharf",
            ["quotes"] = "\"'\\",
            ["empty"] = "",
            ["org.opencontainers.image.description"] = new string('x', 10_000),
        };
        var subject = Manifest("subject");
        var manifest = Manifest("annotated", subject.Digest, "application/vnd.example", annotations);
        await StoredAsync("team/model", manifest);

        var read = await Store.GetManifestAsync("team/model", manifest.Digest, Ct);
        Assert.Equal(annotations.OrderBy(p => p.Key), read!.Annotations!.OrderBy(p => p.Key));
        var referrer = Assert.Single(await Store.ListReferrersAsync("team/model", subject.Digest, null, Ct));
        Assert.Equal(annotations.OrderBy(p => p.Key), referrer.Annotations!.OrderBy(p => p.Key));
    }

    [StoreFact]
    public async Task A_guarded_tag_can_be_created_and_re_put_but_never_moved()
    {
        var m1 = Manifest("m1");
        var m2 = Manifest("m2");
        await StoredAsync("team/model", m1, "v1", guard: VersionsImmutable);
        await StoredAsync("team/model", m1, "v1", guard: VersionsImmutable); // the same digest again is fine

        Assert.Equal(new ManifestPutResult(ManifestPutOutcome.TagProtected, Current: m1.Digest),
            await PutAsync("team/model", m2, "v1", guard: VersionsImmutable));

        Assert.Equal(m1.Digest, await Store.ResolveTagAsync("team/model", "v1", Ct));
        Assert.Null(await Store.GetManifestAsync("team/model", m2.Digest, Ct)); // nothing of the refused put is stored
        Assert.Equal([(null, m1.Digest)], await ReadTagHistoryAsync("team/model", "v1"));

        // The guard is the caller's: an unprotected tag moves, and without a guard so does v1.
        await StoredAsync("team/model", m1, "latest", guard: VersionsImmutable);
        await StoredAsync("team/model", m2, "latest", guard: VersionsImmutable);
        Assert.Equal(m2.Digest, await Store.ResolveTagAsync("team/model", "latest", Ct));
        await StoredAsync("team/model", m2, "v1");
        Assert.Equal(m2.Digest, await Store.ResolveTagAsync("team/model", "v1", Ct));
    }

    [StoreFact]
    public async Task Guarded_deletes_refuse_and_change_nothing()
    {
        var release = Manifest("release");
        var scratch = Manifest("scratch");
        await StoredAsync("team/model", release, "v1");
        await StoredAsync("team/model", release, "latest");
        await StoredAsync("team/model", scratch, "dev");

        Assert.Equal(DeleteOutcome.Protected, await Store.DeleteTagAsync("team/model", "v1", VersionsImmutable, Ct));
        Assert.Equal(DeleteOutcome.Protected, await Store.DeleteManifestAsync("team/model", release.Digest, VersionsImmutable, Ct));
        Assert.Equal(release.Digest, await Store.ResolveTagAsync("team/model", "v1", Ct));
        Assert.Equal(release.Digest, await Store.ResolveTagAsync("team/model", "latest", Ct));
        Assert.NotNull(await Store.GetManifestAsync("team/model", release.Digest, Ct));
        Assert.Equal([(null, release.Digest)], await ReadTagHistoryAsync("team/model", "v1"));

        Assert.Equal(DeleteOutcome.NotFound, await Store.DeleteTagAsync("team/model", "v9", VersionsImmutable, Ct));
        Assert.Equal(DeleteOutcome.Deleted, await Store.DeleteTagAsync("team/model", "latest", VersionsImmutable, Ct));
        Assert.Equal(DeleteOutcome.Deleted, await Store.DeleteManifestAsync("team/model", scratch.Digest, VersionsImmutable, Ct));
        Assert.Equal(DeleteOutcome.Deleted, await Store.DeleteManifestAsync("team/model", release.Digest, null, Ct));
        Assert.Equal([(null, release.Digest), (release.Digest, null)], await ReadTagHistoryAsync("team/model", "v1"));
    }

    [StoreFact]
    public async Task Concurrent_puts_of_different_manifests_to_a_guarded_tag_have_one_winner()
    {
        var manifests = Enumerable.Range(0, 16).Select(i => Manifest($"race{i}")).ToList();

        var results = await Task.WhenAll(manifests.Select(m => Task.Run(() => PutAsync("team/model", m, "v1.0.0", guard: VersionsImmutable))));

        var winner = Assert.Single(results, r => r.Outcome == ManifestPutOutcome.Stored);
        var tagged = await Store.ResolveTagAsync("team/model", "v1.0.0", Ct);
        Assert.All(results.Where(r => r != winner), r => Assert.Equal(new ManifestPutResult(ManifestPutOutcome.TagProtected, Current: tagged), r));
        Assert.Equal([(null, tagged)], await ReadTagHistoryAsync("team/model", "v1.0.0"));
        Assert.Single((await Store.ListManifestsAsync("team/model", Ct)));
    }

    [StoreFact]
    public async Task Manifests_list_with_their_tags_oldest_first()
    {
        var subject = TestData.DigestOf("subject");
        var older = Manifest("older") with { CreatedAt = T0 };
        var newer = Manifest("newer", subject, "application/vnd.example.sig") with { CreatedAt = T0.AddHours(1) };
        var index = Manifest("index", mediaType: MediaTypes.OciIndex) with { CreatedAt = T0.AddHours(2) };
        await StoredAsync("team/model", newer);
        await StoredAsync("team/model", older, "v2");
        await StoredAsync("team/model", older, "a");
        await StoredAsync("team/model", index, "multi", manifests: [older.Digest]);
        await StoredAsync("team/other", Manifest("elsewhere"), "v1");

        var listed = await Store.ListManifestsAsync("team/model", Ct);

        Assert.Equal([older.Digest, newer.Digest, index.Digest], listed.Select(m => m.Digest));
        Assert.Equal(["a", "v2"], listed[0].Tags);
        Assert.Empty(listed[1].Tags);
        Assert.Equal(subject, listed[1].Subject);
        Assert.Null(listed[0].Subject);
        Assert.Equal(T0.AddHours(1), listed[1].CreatedAt);
        Assert.Equal(MediaTypes.OciIndex, listed[2].MediaType);
        Assert.Empty(await Store.ListManifestsAsync("team/unknown", Ct));
    }
}


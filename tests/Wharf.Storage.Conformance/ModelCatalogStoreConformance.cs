using System.Text;
using System.Text.Json;
using Wharf.Core;
using Wharf.Core.Catalog;

namespace Wharf.Storage.Conformance;

/// <summary>
/// What every <see cref="IModelCatalogStore"/> must do, on top of the <see cref="IMetadataStore"/> it shares a
/// database with. A backend subclasses this with a factory for both over one fresh database.
/// </summary>
public abstract class ModelCatalogStoreConformance : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    protected IMetadataStore Metadata { get; private set; } = null!;
    protected IModelCatalogStore Catalog { get; private set; } = null!;

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>A new, empty, not yet migrated pair of stores over one database no other test uses.</summary>
    protected abstract Task<(IMetadataStore Metadata, IModelCatalogStore Catalog)> CreateStoresAsync();

    protected virtual Task DisposeStoresAsync() => Task.CompletedTask;

    /// <summary>Runs SQL straight on the stores' database (statements both engines take alike).</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    public async Task InitializeAsync()
    {
        (Metadata, Catalog) = await CreateStoresAsync();
        await Metadata.MigrateAsync(Ct);
    }

    public Task DisposeAsync() => DisposeStoresAsync();

    private static ManifestRecord Manifest(string seed, Digest? subject = null)
    {
        var content = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"seed":"{{seed}}"}""");
        return new ManifestRecord(Digest.Compute(content), MediaTypes.OciManifest, content, null, subject, null, T0);
    }

    private async Task<ManifestRecord> PutAsync(string repository, string seed, string? tag = null, Digest? subject = null)
    {
        var manifest = Manifest(seed, subject);
        var result = await Metadata.PutManifestAsync(new ManifestPut(repository, manifest, tag, [], []), Ct);
        Assert.Equal(ManifestPutOutcome.Stored, result.Outcome);
        return manifest;
    }

    private static ModelVersionRecord Version(string repository, Digest digest, string kind = "modelpack", string? format = null,
        string? architecture = null, long? parameters = null, string? quantization = null, string[]? licenses = null, string search = "") =>
        new()
        {
            Repository = repository, Digest = digest, Kind = kind, Status = "indexed", Format = format, Architecture = architecture,
            ParameterCount = parameters, Quantization = quantization, Licenses = licenses ?? [], SearchText = search,
            MetadataJson = """{"name":"x"}""", FilesJson = "[]", IndexedAt = T0,
        };

    private Task<IReadOnlyList<IndexJob>> ClaimAsync(string worker, int limit = 10, DateTimeOffset? now = null) =>
        Catalog.ClaimAsync(worker, limit, now ?? T0.AddMinutes(1), (now ?? T0.AddMinutes(1)).AddMinutes(5), Ct);

    [StoreFact]
    public async Task A_stored_manifest_is_queued_by_its_put_and_indexed_once()
    {
        var manifest = await PutAsync("team/model", "a", "v1");
        Assert.NotNull(await Catalog.GetQueuedAsync("team/model", manifest.Digest, Ct));
        var jobs = await ClaimAsync("w1");
        var job = Assert.Single(jobs);
        Assert.Equal(("team/model", manifest.Digest, 1), (job.Repository, job.Digest, job.Attempts));
        Assert.Empty(await ClaimAsync("w2"));

        Assert.True(await Catalog.CompleteAsync(job, Version("team/model", manifest.Digest, format: "safetensors", licenses: ["Apache-2.0"]), Ct));
        Assert.Null(await Catalog.GetQueuedAsync("team/model", manifest.Digest, Ct));
        var stored = await Catalog.GetVersionAsync("team/model", manifest.Digest, Ct);
        Assert.NotNull(stored);
        Assert.Equal(("modelpack", "indexed", "safetensors", """{"name":"x"}"""), (stored.Kind, stored.Status, stored.Format, stored.MetadataJson));
        Assert.Equal(["apache-2.0"], stored.Licenses);
        Assert.Equal(["v1"], stored.Tags);
        Assert.Equal(T0, stored.PushedAt);

        // A re-push of the same manifest is not a new version to index.
        await PutAsync("team/model", "a", "v2");
        Assert.Empty(await ClaimAsync("w1"));
        Assert.Equal(["v1", "v2"], (await Catalog.GetVersionAsync("team/model", manifest.Digest, Ct))!.Tags);
    }

    [StoreFact]
    public async Task Two_workers_never_claim_the_same_row_and_an_expired_claim_comes_back()
    {
        for (int i = 0; i < 6; i++) await PutAsync("team/many", "m" + i);
        var first = await ClaimAsync("w1", limit: 4);
        var second = await ClaimAsync("w2", limit: 4);
        Assert.Equal(4, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Empty(first.Select(j => j.Id).Intersect(second.Select(j => j.Id)));

        // w1 dies; after its lease, w3 takes its rows, and w1's late completion is refused.
        var late = await ClaimAsync("w3", limit: 10, now: T0.AddMinutes(7));
        Assert.Equal(first.Select(j => j.Id).Order().Concat(second.Select(j => j.Id).Order()).Order(), late.Select(j => j.Id).Order());
        Assert.All(late, j => Assert.Equal(2, j.Attempts));
        Assert.False(await Catalog.CompleteAsync(first[0], null, Ct));
        Assert.True(await Catalog.CompleteAsync(late[0], null, Ct));
    }

    [StoreFact]
    public async Task A_row_requeued_while_its_job_runs_is_released_not_dropped()
    {
        var manifest = await PutAsync("team/requeue", "a");
        var job = Assert.Single(await ClaimAsync("w1"));
        await Catalog.EnqueueAsync("team/requeue", manifest.Digest, Ct);
        Assert.True(await Catalog.CompleteAsync(job, Version("team/requeue", manifest.Digest), Ct));
        var again = Assert.Single(await ClaimAsync("w1", now: DateTimeOffset.UtcNow.AddDays(1)));
        Assert.Equal(manifest.Digest, again.Digest);
        Assert.True(await Catalog.CompleteAsync(again, Version("team/requeue", manifest.Digest), Ct));
        Assert.Null(await Catalog.GetQueuedAsync("team/requeue", manifest.Digest, Ct));

        await Catalog.EnqueueAsync("team/requeue", Digest.Compute("absent"u8), Ct); // not in the repository: nothing
        Assert.Empty(await ClaimAsync("w1", now: DateTimeOffset.UtcNow.AddDays(1)));
    }

    [StoreFact]
    public async Task A_retry_waits_for_its_time_and_keeps_the_error()
    {
        var manifest = await PutAsync("team/retry", "a");
        var job = Assert.Single(await ClaimAsync("w1"));
        await Catalog.RetryAsync(job, "blob store unavailable", T0.AddMinutes(10), Ct);
        Assert.Empty(await ClaimAsync("w1", now: T0.AddMinutes(9)));
        var queued = await Catalog.GetQueuedAsync("team/retry", manifest.Digest, Ct);
        Assert.Equal(new QueuedIndex(1, "blob store unavailable", T0.AddMinutes(10)), queued);
        var again = Assert.Single(await ClaimAsync("w1", now: T0.AddMinutes(10)));
        Assert.Equal(2, again.Attempts);
    }

    [StoreFact]
    public async Task Deleting_a_manifest_removes_its_version_and_queue_row()
    {
        var indexed = await PutAsync("team/del", "a", "v1");
        var waiting = await PutAsync("team/del", "b");
        var jobs = await ClaimAsync("w1");
        Assert.True(await Catalog.CompleteAsync(jobs.Single(j => j.Digest == indexed.Digest), Version("team/del", indexed.Digest), Ct));
        Assert.Equal(DeleteOutcome.Deleted, await Metadata.DeleteManifestAsync("team/del", indexed.Digest, null, Ct));
        Assert.Equal(DeleteOutcome.Deleted, await Metadata.DeleteManifestAsync("team/del", waiting.Digest, null, Ct));
        Assert.Null(await Catalog.GetVersionAsync("team/del", indexed.Digest, Ct));
        Assert.Null(await Catalog.GetQueuedAsync("team/del", waiting.Digest, Ct));
        // The claim on the deleted row is gone with it; completing it stores nothing.
        Assert.False(await Catalog.CompleteAsync(jobs.Single(j => j.Digest == waiting.Digest), Version("team/del", waiting.Digest), Ct));
        Assert.Null(await Catalog.GetVersionAsync("team/del", waiting.Digest, Ct));
    }

    [StoreFact]
    public async Task Search_filters_combine_and_page_newest_first()
    {
        var specs = new (string Repo, string Kind, string? Format, string? Arch, long? Params, string? Quant, string[] Licenses, string Search)[]
        {
            ("nlp/llama", "modelpack", "safetensors", "llama", 8_000_000_000, null, ["Apache-2.0"], "llama 3 instruct"),
            ("nlp/llama-gguf", "docker-model", "gguf", "llama", 8_000_000_000, "Q4_K_M", ["llama3"], "quantized llama"),
            ("nlp/tiny", "modelkit", "safetensors", "bert", 110_000_000, null, ["MIT", "Apache-2.0"], "tiny bert"),
            ("vision/resnet", "modelpack", "onnx", "resnet", 25_000_000, null, ["MIT"], "image classifier"),
            ("vision2/app", "image", null, null, null, null, [], "serving container"),
        };
        foreach (var s in specs)
        {
            var m = await PutAsync(s.Repo, s.Repo);
            var job = Assert.Single(await ClaimAsync("w"));
            await Catalog.CompleteAsync(job, Version(s.Repo, m.Digest, s.Kind, s.Format, s.Arch, s.Params, s.Quant, s.Licenses, s.Search), Ct);
        }
        var card = await PutAsync("nlp/llama", "card", subject: (await Catalog.SearchAsync(new ModelQuery { Repository = "nlp/llama" }, Ct))[0].Digest);
        await Catalog.CompleteAsync(Assert.Single(await ClaimAsync("w")), Version("nlp/llama", card.Digest, "artifact"), Ct);

        async Task<string[]> Find(ModelQuery q) => (await Catalog.SearchAsync(q, Ct)).Select(v => v.Repository).ToArray();
        Assert.Equal(["vision2/app", "vision/resnet", "nlp/tiny", "nlp/llama-gguf", "nlp/llama"], await Find(new ModelQuery()));
        Assert.Equal(["nlp/tiny", "nlp/llama"], await Find(new ModelQuery { Format = "SafeTensors" }));
        Assert.Equal(["nlp/llama-gguf", "nlp/llama"], await Find(new ModelQuery { Architecture = "llama" }));
        Assert.Equal(["nlp/llama-gguf"], await Find(new ModelQuery { Quantization = "q4_k_m" }));
        Assert.Equal(["nlp/tiny", "nlp/llama"], await Find(new ModelQuery { License = "apache-2.0" }));
        Assert.Equal(["vision/resnet"], await Find(new ModelQuery { Namespace = "vision" }));
        Assert.Equal(["nlp/tiny", "vision/resnet"], (await Find(new ModelQuery { MaxParameters = 200_000_000 })).Order().ToArray());
        Assert.Equal(["nlp/tiny"], await Find(new ModelQuery { MinParameters = 100_000_000, MaxParameters = 200_000_000 }));
        Assert.Equal(["nlp/llama-gguf", "nlp/llama"], await Find(new ModelQuery { Text = "LLAMA" }));
        Assert.Equal(["vision/resnet", "nlp/llama"], await Find(new ModelQuery { Kind = "modelpack" }));
        Assert.Equal(["nlp/llama", "nlp/llama"], await Find(new ModelQuery { Repository = "nlp/llama", IncludeAttachments = true }));

        var page1 = await Catalog.SearchAsync(new ModelQuery { Limit = 2 }, Ct);
        var page2 = await Catalog.SearchAsync(new ModelQuery { Limit = 2, Before = page1[^1].Cursor }, Ct);
        var page3 = await Catalog.SearchAsync(new ModelQuery { Limit = 2, Before = page2[^1].Cursor }, Ct);
        Assert.Equal(["vision2/app", "vision/resnet", "nlp/tiny", "nlp/llama-gguf", "nlp/llama"], page1.Concat(page2).Concat(page3).Select(v => v.Repository));
    }

    private async Task<Digest> IndexedAsync(string repository, string search, string? card)
    {
        var m = await PutAsync(repository, repository);
        var job = Assert.Single(await ClaimAsync("w"));
        Assert.True(await Catalog.CompleteAsync(job, Version(repository, m.Digest, search: search) with
        {
            CardText = card,
            CardJson = card is null ? null : JsonSerializer.Serialize(new Dictionary<string, string> { ["markdown"] = card, ["source"] = "layer" }),
        }, Ct));
        return m.Digest;
    }

    [StoreFact]
    public async Task Text_search_matches_the_model_card_case_insensitively_as_a_plain_substring()
    {
        await IndexedAsync("nlp/sentiment", "sentiment", "# Sentiment\nTrained on 50% of the ÉTÉ_REVIEWS corpus.\nLicence: see LICENSE.");
        var plain = await IndexedAsync("nlp/plain", "plain model", null);
        await IndexedAsync("nlp/other", "other", "# Other\nA model for summaries.");

        async Task<string[]> Find(string text) => (await Catalog.SearchAsync(new ModelQuery { Text = text }, Ct)).Select(v => v.Repository).ToArray();
        Assert.Equal(["nlp/sentiment"], await Find("trained on"));
        Assert.Equal(["nlp/sentiment"], await Find("été_reviews")); // case folds beyond ASCII
        Assert.Equal(["nlp/sentiment"], await Find("50%")); // % and _ are text, not wildcards
        Assert.Empty(await Find("5_%"));
        Assert.Equal(["nlp/other", "nlp/sentiment"], await Find("# "));
        Assert.Equal(["nlp/other"], await Find("SUMMARIES"));
        Assert.Equal(["nlp/plain"], await Find("plain")); // search text and names still match
        Assert.Empty(await Find("markdown")); // the card's JSON wrapping is not its text
        Assert.Empty(await Find("not in any card"));
        Assert.Equal(["nlp/sentiment"], (await Catalog.SearchAsync(new ModelQuery { Text = "corpus", Namespace = "nlp" }, Ct)).Select(v => v.Repository));

        // Re-indexed without its card, a version no longer matches the card's text.
        await Catalog.EnqueueAsync("nlp/other", (await Catalog.SearchAsync(new ModelQuery { Repository = "nlp/other" }, Ct))[0].Digest, Ct);
        var again = Assert.Single(await ClaimAsync("w", now: T0.AddYears(100))); // due at the store's clock, whatever it says
        Assert.True(await Catalog.CompleteAsync(again, Version("nlp/other", again.Digest, search: "other"), Ct));
        Assert.Empty(await Find("summaries"));
        Assert.Null((await Catalog.GetVersionAsync("nlp/plain", plain, Ct))!.CardText);
    }

    [StoreFact]
    public async Task Upgrading_fills_the_card_text_of_versions_indexed_before_it()
    {
        await IndexedAsync("nlp/old", "old", "# Old card\nMentions Zebras.");
        // Back to the schema before the card text: the column gone, the last migration forgotten.
        await ExecuteSqlAsync("ALTER TABLE model_versions DROP COLUMN card_text;");
        await ExecuteSqlAsync("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations);");
        await Metadata.MigrateAsync(Ct);
        Assert.Equal(["nlp/old"], (await Catalog.SearchAsync(new ModelQuery { Text = "zebras" }, Ct)).Select(v => v.Repository));
    }

    [StoreFact]
    public async Task Tags_and_their_history_are_listed_newest_move_first()
    {
        var a = await PutAsync("team/hist", "a", "v1");
        var b = await PutAsync("team/hist", "b", "v1");
        await PutAsync("team/hist", "b", "latest");
        Assert.Equal(DeleteOutcome.Deleted, await Metadata.DeleteTagAsync("team/hist", "latest", null, Ct));
        await PutAsync("team/hist", "a", "v0");

        var tags = await Catalog.ListTagsAsync("team/hist", Ct);
        Assert.Equal([("v0", a.Digest), ("v1", b.Digest)], tags.Select(t => (t.Name, t.Digest)));

        var history = await Catalog.ListTagHistoryAsync("team/hist", null, null, 100, Ct);
        Assert.Equal(
            [("v0", null, a.Digest), ("latest", b.Digest, null), ("latest", null, b.Digest), ("v1", a.Digest, b.Digest), ("v1", null, a.Digest)],
            history.Select(h => (h.Tag, h.Old, h.New)));
        Assert.All(history, h => Assert.Null(h.Actor));
        var v1 = await Catalog.ListTagHistoryAsync("team/hist", "v1", null, 100, Ct);
        Assert.Equal(2, v1.Count);
        var older = await Catalog.ListTagHistoryAsync("team/hist", null, history[1].Id, 2, Ct);
        Assert.Equal([history[2].Id, history[3].Id], older.Select(h => h.Id));
    }
}

using System.Text;
using Wharf.Core;
using Wharf.Core.Policy;

namespace Wharf.Storage.Conformance;

/// <summary>
/// What every <see cref="IPolicyStore"/> must do. It shares its database with an <see cref="IMetadataStore"/>
/// (promotions move tags), so a backend gives both, fresh and empty per test.
/// </summary>
public abstract class PolicyStoreConformance : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected IMetadataStore Metadata { get; private set; } = null!;
    protected IPolicyStore Policies { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>A new, empty, not yet migrated pair of stores on one database, not shared with any other test.</summary>
    protected abstract Task<(IMetadataStore Metadata, IPolicyStore Policies)> CreateStoresAsync();

    protected virtual Task DisposeStoresAsync() => Task.CompletedTask;

    /// <summary>The tag's history rows in the order they were written.</summary>
    protected abstract Task<IReadOnlyList<(Digest? Old, Digest? New)>> ReadTagHistoryAsync(string repository, string tag);

    /// <summary>Who each of the tag's history rows names (null: nobody), in the order they were written.</summary>
    protected abstract Task<IReadOnlyList<string?>> ReadTagHistoryActorsAsync(string repository, string tag);

    public async Task InitializeAsync()
    {
        (Metadata, Policies) = await CreateStoresAsync();
        await Metadata.MigrateAsync(Ct);
    }

    public Task DisposeAsync() => DisposeStoresAsync();

    private async Task<ManifestRecord> PushAsync(string repository, string seed, string? tag)
    {
        var content = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"seed":"{{seed}}"}""");
        var manifest = new ManifestRecord(Digest.Compute(content), MediaTypes.OciManifest, content, null, null, null, T0);
        var result = await Metadata.PutManifestAsync(new ManifestPut(repository, manifest, tag, [], []), Ct);
        Assert.Equal(ManifestPutOutcome.Stored, result.Outcome);
        return manifest;
    }

    [StoreFact]
    public async Task Policies_read_back_per_scope_and_are_replaced()
    {
        var policy = new VersioningPolicy(["v*", "semver"], ["staging", "production"], new PromotionRules(["immutable-tag"]),
            new RetentionRules(KeepLastVersions: 5, DeleteUntaggedAfterDays: 7, IncludeNonSemver: true));
        Assert.Null(await Policies.GetPolicyAsync(PolicyScope.Namespace("team"), Ct));

        await Policies.PutPolicyAsync(PolicyScope.Namespace("team"), policy, Ct);
        var read = await Policies.GetPolicyAsync(PolicyScope.Namespace("team"), Ct);
        Assert.NotNull(read);
        Assert.Equal(policy.ImmutableTags, read.ImmutableTags);
        Assert.Equal(policy.Aliases, read.Aliases);
        Assert.Equal(policy.Promotion!.Require, read.Promotion!.Require);
        Assert.Equal(policy.Retention, read.Retention);

        // Same name, other kind of scope: separate.
        Assert.Null(await Policies.GetPolicyAsync(PolicyScope.Repository("team"), Ct));
        await Policies.PutPolicyAsync(PolicyScope.Namespace("team"), new VersioningPolicy(Aliases: ["prod"]), Ct);
        var replaced = await Policies.GetPolicyAsync(PolicyScope.Namespace("team"), Ct);
        Assert.Null(replaced!.ImmutableTags);
        Assert.Equal(["prod"], replaced.Aliases);
    }

    [StoreFact]
    public async Task A_promotion_names_the_principal_in_tag_history_and_the_actor_in_its_record()
    {
        var m1 = await PushAsync("team/model", "m1", "v1");
        var promoted = await Policies.PromoteAsync(
            new Promotion("team/model", "staging", m1.Digest, null, "alice", "smoke tests passed", Subject: "user:alice"), Ct);
        Assert.Equal(PromoteOutcome.Promoted, promoted.Outcome);
        Assert.Equal("alice", promoted.Record!.Actor);
        Assert.Equal(["user:alice"], await ReadTagHistoryActorsAsync("team/model", "staging"));
    }

    [StoreFact]
    public async Task A_promotion_moves_the_alias_writes_history_and_its_record()
    {
        var m1 = await PushAsync("team/model", "m1", "v1");
        var m2 = await PushAsync("team/model", "m2", "v2");

        var first = await Policies.PromoteAsync(new Promotion("team/model", "production", m1.Digest, null, "alice", "first release"), Ct);
        Assert.Equal(PromoteOutcome.Promoted, first.Outcome);
        var second = await Policies.PromoteAsync(new Promotion("team/model", "production", m2.Digest, m1.Digest, "bob", "v2 passed evaluation"), Ct);
        Assert.Equal(PromoteOutcome.Promoted, second.Outcome);

        Assert.Equal(m2.Digest, await Metadata.ResolveTagAsync("team/model", "production", Ct));
        Assert.Equal([(null, m1.Digest), (m1.Digest, m2.Digest)], await ReadTagHistoryAsync("team/model", "production"));
        // Without the principal's audit name, tag history falls back to the promotion's actor.
        Assert.Equal(["alice", "bob"], await ReadTagHistoryActorsAsync("team/model", "production"));
        var history = await Policies.ListPromotionsAsync("team/model", null, 10, Ct);
        Assert.Equal(2, history.Count);
        Assert.Equal(("production", m1.Digest, m2.Digest, "bob", "v2 passed evaluation"),
            (history[0].Alias, history[0].From, history[0].To, history[0].Actor, history[0].Reason));
        Assert.Equal((null, m1.Digest, "alice"), (history[1].From, history[1].To, history[1].Actor));
        Assert.Equal(second.Record, history[0]);
        Assert.True(history[0].Id > history[1].Id);
        Assert.Single(await Policies.ListPromotionsAsync("team/model", null, 1, Ct));
        Assert.Empty(await Policies.ListPromotionsAsync("team/model", "staging", 10, Ct));
        Assert.Empty(await Policies.ListPromotionsAsync("team/other", null, 10, Ct));
    }

    [StoreFact]
    public async Task A_promotion_refuses_an_unknown_target_a_moved_alias_and_is_a_no_op_when_there()
    {
        var m1 = await PushAsync("team/model", "m1", "v1");
        var m2 = await PushAsync("team/model", "m2", "v2");
        var elsewhere = await PushAsync("team/other", "m3", "v3");
        await Policies.PromoteAsync(new Promotion("team/model", "production", m1.Digest, null, "a", "r"), Ct);

        Assert.Equal(PromoteOutcome.TargetUnknown,
            (await Policies.PromoteAsync(new Promotion("team/model", "production", elsewhere.Digest, m1.Digest, "a", "r"), Ct)).Outcome);
        // Someone else moved it after this caller looked: refused, with where it points now.
        Assert.Equal(new PromoteResult(PromoteOutcome.AliasMoved, Current: m1.Digest),
            await Policies.PromoteAsync(new Promotion("team/model", "production", m2.Digest, null, "a", "r"), Ct));
        Assert.Equal(PromoteOutcome.Unchanged,
            (await Policies.PromoteAsync(new Promotion("team/model", "production", m1.Digest, m1.Digest, "a", "r"), Ct)).Outcome);

        Assert.Equal(m1.Digest, await Metadata.ResolveTagAsync("team/model", "production", Ct));
        Assert.Single(await ReadTagHistoryAsync("team/model", "production"));
        Assert.Single(await Policies.ListPromotionsAsync("team/model", null, 10, Ct));
    }

    [StoreFact]
    public async Task Concurrent_promotions_from_the_same_state_have_one_winner()
    {
        var targets = new List<ManifestRecord>();
        for (int i = 0; i < 8; i++) targets.Add(await PushAsync("team/model", $"m{i}", $"v{i}"));

        var results = await Task.WhenAll(targets.Select(t => Task.Run(() =>
            Policies.PromoteAsync(new Promotion("team/model", "staging", t.Digest, null, "ci", "race"), Ct))));

        var winner = Assert.Single(results, r => r.Outcome == PromoteOutcome.Promoted);
        Assert.All(results.Where(r => r != winner), r => Assert.Equal(PromoteOutcome.AliasMoved, r.Outcome));
        Assert.Equal(winner.Record!.To, await Metadata.ResolveTagAsync("team/model", "staging", Ct));
        Assert.Single(await Policies.ListPromotionsAsync("team/model", "staging", 10, Ct));
    }
}

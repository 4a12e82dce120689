using Wharf.Core.Policy;

namespace Wharf.Core.Tests.Policy;

public sealed class RetentionTests : PolicyHarness
{
    private Task KeepAsync(int? versions = null, int? untaggedDays = null, bool includeNonSemver = false, IReadOnlyList<string>? immutable = null) =>
        SetPolicyAsync(PolicyScope.Repository(Repo), new VersioningPolicy(immutable, ["production"], new PromotionRules([]),
            new RetentionRules(versions, untaggedDays, includeNonSemver)));

    private async Task<IReadOnlyList<string>> TagsAsync() => await Metadata.ListTagsAsync(Repo, null, 100, Ct);

    /// <summary>A deletion as text: the records hold lists, which compare by reference.</summary>
    private static string Describe(RetentionResult r) =>
        $"{r.Deletion.Action} {r.Deletion.Digest} [{string.Join(",", r.Deletion.Tags)}] {r.Deletion.Reason}";

    private async Task<bool> StoredAsync(Digest digest) => await Metadata.GetManifestAsync(Repo, digest, Ct) is not null;

    [Fact]
    public async Task Keeps_the_newest_versions_by_semver_and_leaves_other_tags_alone()
    {
        foreach (var tag in new[] { "v1.10.0", "v1.2.0", "v2.0.0-rc.1", "v2.0.0", "v1.9.3", "latest", "nightly" })
            await PushTaggedAsync(tag);
        await KeepAsync(versions: 2);

        var dryRun = await Retention.RunAsync(Repo, dryRun: true, Ct);
        Assert.Equal(["v1.10.0", "v1.2.0", "v1.9.3"], dryRun.SelectMany(r => r.Deletion.Tags).Order(StringComparer.Ordinal));
        Assert.All(dryRun, r => Assert.Equal(RetentionAction.DeleteManifest, r.Deletion.Action));
        Assert.All(dryRun, r => Assert.False(r.Deleted));
        Assert.Equal(7, (await TagsAsync()).Count); // a dry run deletes nothing

        var real = await Retention.RunAsync(Repo, dryRun: false, Ct);

        Assert.Equal(dryRun.Select(Describe), real.Select(Describe));
        Assert.All(real, r => Assert.True(r.Deleted));
        Assert.Equal(["latest", "nightly", "v2.0.0", "v2.0.0-rc.1"], await TagsAsync());
        foreach (var r in real) Assert.False(await StoredAsync(r.Deletion.Digest));
        Assert.Empty(await Retention.RunAsync(Repo, dryRun: false, Ct)); // nothing left to do
    }

    [Fact]
    public async Task Immutable_versions_go_too_and_their_tag_history_records_it()
    {
        var old = await PushTaggedAsync("v1.0.0");
        await PushTaggedAsync("v2.0.0");
        await KeepAsync(versions: 1, immutable: ["v*"]);

        var run = await Retention.RunAsync(Repo, dryRun: false, Ct);

        Assert.Equal(old, Assert.Single(run).Deletion.Digest);
        Assert.Equal(["v2.0.0"], await TagsAsync());
    }

    [Fact]
    public async Task A_manifest_still_needed_loses_only_its_old_tag()
    {
        var shared = await PushTaggedAsync("v1.0.0", "same");
        await PutAsync(Tag("v3.0.0"), await ImageAsync("same"));
        var promoted = await PushTaggedAsync("v1.5.0");
        await PushTaggedAsync("v2.0.0");
        await KeepAsync(versions: 2);
        Assert.True((await Promotions.PromoteAsync(new PromotionRequest(Repo, "production", "v1.5.0", "pinned", "ops"), Ct)).Ok);

        var run = await Retention.RunAsync(Repo, dryRun: false, Ct);

        Assert.Equal(
            [(RetentionAction.DeleteTag, shared, "v1.0.0"), (RetentionAction.DeleteTag, promoted, "v1.5.0")],
            run.Select(r => (r.Deletion.Action, r.Deletion.Digest, r.Deletion.Tags.Single())).OrderBy(x => x.Item3, StringComparer.Ordinal));
        Assert.Equal(["production", "v2.0.0", "v3.0.0"], await TagsAsync());
        Assert.True(await StoredAsync(shared));
        Assert.True(await StoredAsync(promoted));
    }

    [Fact]
    public async Task Non_semver_tags_are_counted_only_when_configured()
    {
        await PushTaggedAsync("nightly-1");
        Time.SetUtcNow(T0.AddDays(1));
        await PushTaggedAsync("nightly-2");
        Time.SetUtcNow(T0.AddDays(2));
        await PushTaggedAsync("nightly-3");
        await KeepAsync(versions: 2);
        Assert.Empty(await Retention.RunAsync(Repo, dryRun: true, Ct));

        await KeepAsync(versions: 2, includeNonSemver: true);
        var run = await Retention.RunAsync(Repo, dryRun: false, Ct);
        Assert.Equal(["nightly-1"], Assert.Single(run).Deletion.Tags);
        Assert.Equal(["nightly-2", "nightly-3"], await TagsAsync());
    }

    [Fact]
    public async Task Untagged_manifests_go_after_the_configured_days_unless_something_kept_needs_them()
    {
        // At T0: an untagged orphan, an index's child, a referrer of a kept image, and the subject of a kept referrer.
        var orphan = await PutAsync(At(Digest.Compute(await ImageAsync("orphan"))), await ImageAsync("orphan"));
        var child = await PutAsync(At(Digest.Compute(await ImageAsync("child"))), await ImageAsync("child"));
        var kept = await PushTaggedAsync("v1.0.0");
        var signature = await ImageAsync("signature", subject: kept.ToString());
        var signatureDigest = await PutAsync(At(Digest.Compute(signature)), signature);
        var subject = await PutAsync(At(Digest.Compute(await ImageAsync("subject"))), await ImageAsync("subject"));
        Time.SetUtcNow(T0.AddDays(3));
        await PutAsync(Tag("multi"), Index(child));
        await PutAsync(Tag("sbom"), await ImageAsync("sbom", subject: subject.ToString()));
        var young = await PutAsync(At(Digest.Compute(await ImageAsync("young"))), await ImageAsync("young"));
        await KeepAsync(untaggedDays: 7);

        Time.SetUtcNow(T0.AddDays(7)); // exactly 7 days: not older yet
        Assert.Empty(await Retention.RunAsync(Repo, dryRun: true, Ct));

        Time.SetUtcNow(T0.AddDays(7).AddMinutes(1));
        var dryRun = await Retention.RunAsync(Repo, dryRun: true, Ct);
        Assert.Equal([orphan], dryRun.Select(r => r.Deletion.Digest));
        Assert.Contains("more than 7 days ago", dryRun[0].Deletion.Reason, StringComparison.Ordinal);

        var real = await Retention.RunAsync(Repo, dryRun: false, Ct);
        Assert.Equal(dryRun.Select(Describe), real.Select(Describe));
        Assert.False(await StoredAsync(orphan));
        foreach (var needed in new[] { child, kept, signatureDigest, subject, young }) Assert.True(await StoredAsync(needed));

        Time.SetUtcNow(T0.AddDays(11));
        Assert.Equal([young], (await Retention.RunAsync(Repo, dryRun: false, Ct)).Select(r => r.Deletion.Digest));
    }

    [Fact]
    public async Task Without_retention_rules_nothing_is_planned()
    {
        await PushTaggedAsync("v1.0.0");
        await PushTaggedAsync("v2.0.0");
        Time.SetUtcNow(T0.AddDays(365));
        Assert.Empty(await Retention.RunAsync(Repo, dryRun: false, Ct));
        Assert.Equal(2, (await TagsAsync()).Count);
    }

    [Fact]
    public async Task A_namespace_lists_its_repositories_and_only_those()
    {
        foreach (var repo in new[] { "team", "team/a", "team/b/c", "team-x/a", "team.y", "teams/a", "other/a" })
            await PushTaggedAsync("v1", repo, repo);
        Assert.Equal(["team", "team/a", "team/b/c"], await Retention.RepositoriesAsync("team", Ct));
        Assert.Equal(7, (await Retention.RepositoriesAsync(null, Ct)).Count);
    }
}

using Wharf.Core.Policy;

namespace Wharf.Core.Tests.Policy;

public sealed class PromotionTests : PolicyHarness
{
    private Task UseReleasePolicyAsync() =>
        SetPolicyAsync(PolicyScope.Namespace("team"), new VersioningPolicy(["v*"], ["staging", "production"]));

    private Task<PolicyResult<PromoteResult>> PromoteAsync(string alias, string target, string reason = "passed evaluation", string repository = Repo) =>
        Promotions.PromoteAsync(new PromotionRequest(repository, alias, target, reason, "alice"), Ct);

    [Fact]
    public async Task Promoting_moves_the_alias_and_records_who_when_why_and_from_where()
    {
        await UseReleasePolicyAsync();
        var v1 = await PushTaggedAsync("v1.0.0");
        var v2 = await PushTaggedAsync("v1.1.0");

        var first = await PromoteAsync("production", "v1.0.0", "first release");
        Time.SetUtcNow(T0.AddHours(1));
        var second = await PromoteAsync("production", v2.ToString(), "  v1.1 beats v1.0 on eval  ");

        Assert.True(first.Ok && second.Ok);
        Assert.Equal(v2, await Metadata.ResolveTagAsync(Repo, "production", Ct));
        var history = await Promotions.HistoryAsync(Repo, "production", 10, Ct);
        Assert.Equal(2, history.Count);
        Assert.Equal(new PromotionRecord(history[0].Id, Repo, "production", v1, v2, "alice", "v1.1 beats v1.0 on eval", T0.AddHours(1)), history[0]);
        Assert.Equal((null, v1, "first release", T0), (history[1].From, history[1].To, history[1].Reason, history[1].At));

        var again = await PromoteAsync("production", "v1.1.0");
        Assert.Equal(PromoteOutcome.Unchanged, again.Value.Outcome);
        Assert.Equal(2, (await Promotions.HistoryAsync(Repo, null, 10, Ct)).Count);
    }

    [Fact]
    public async Task A_target_without_an_immutable_tag_is_refused_with_the_condition_named()
    {
        await UseReleasePolicyAsync();
        var digest = await PushTaggedAsync("latest");

        var refused = await PromoteAsync("staging", "latest");

        Assert.Equal(PolicyProblemKind.Refused, refused.Problem!.Kind);
        Assert.Equal($"cannot promote latest to staging: condition immutable-tag: {digest} has only the tags latest, none of them immutable "
            + "(immutable tags match v*); push it under an immutable version tag first", refused.Problem.Message);
        Assert.Null(await Metadata.ResolveTagAsync(Repo, "staging", Ct));

        // A policy may drop the condition.
        await SetPolicyAsync(PolicyScope.Repository(Repo), new VersioningPolicy(Promotion: new PromotionRules([])));
        Assert.True((await PromoteAsync("staging", "latest")).Ok);
        Assert.Equal(digest, await Metadata.ResolveTagAsync(Repo, "staging", Ct));
    }

    [Fact]
    public async Task Refusals_say_why_and_change_nothing()
    {
        await UseReleasePolicyAsync();
        await PushTaggedAsync("v1.0.0");

        var notAlias = await PromoteAsync("latest", "v1.0.0");
        Assert.Equal(PolicyProblemKind.Refused, notAlias.Problem!.Kind);
        Assert.Equal("'latest' is not an alias of team/model (its aliases are staging, production); add it to the policy's aliases first", notAlias.Problem.Message);

        var missing = await PromoteAsync("production", "v9.9.9");
        Assert.Equal((PolicyProblemKind.NotFound, "target v9.9.9 is not in repository team/model"), (missing.Problem!.Kind, missing.Problem.Message));
        var missingDigest = await PromoteAsync("production", Digest.Compute("nothing"u8).ToString());
        Assert.Equal(PolicyProblemKind.NotFound, missingDigest.Problem!.Kind);

        Assert.Equal(PolicyProblemKind.BadRequest, (await PromoteAsync("production", "v1.0.0", reason: " ")).Problem!.Kind);
        Assert.Equal(PolicyProblemKind.BadRequest, (await PromoteAsync("prod/uction", "v1.0.0")).Problem!.Kind);
        Assert.Equal(PolicyProblemKind.BadRequest, (await PromoteAsync("production", "sha256:nothex")).Problem!.Kind);
        Assert.Equal(PolicyProblemKind.BadRequest, (await PromoteAsync("production", "v1.0.0", repository: "Team/Model")).Problem!.Kind);

        Assert.Null(await Metadata.ResolveTagAsync(Repo, "production", Ct));
        Assert.Null(await Metadata.ResolveTagAsync(Repo, "latest", Ct));
        Assert.Empty(await Promotions.HistoryAsync(Repo, null, 10, Ct));
    }

    [Fact]
    public async Task Without_aliases_in_the_policy_nothing_can_be_promoted()
    {
        await PushTaggedAsync("v1.0.0");
        var refused = await PromoteAsync("production", "v1.0.0");
        Assert.Contains("it has none", refused.Problem!.Message, StringComparison.Ordinal);
    }
}

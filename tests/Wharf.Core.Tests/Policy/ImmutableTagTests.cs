using Wharf.Core.Policy;

namespace Wharf.Core.Tests.Policy;

/// <summary>Immutable tags and aliases as the /v2 surface enforces them through <see cref="Wharf.Core.Registry.ManifestService"/>.</summary>
public sealed class ImmutableTagTests : PolicyHarness
{
    private Task UseReleasePolicyAsync() =>
        SetPolicyAsync(PolicyScope.Namespace("team"), new VersioningPolicy(["v*"], ["staging", "production"]));

    [Fact]
    public async Task An_immutable_tag_is_created_re_put_with_the_same_digest_and_never_moved()
    {
        await UseReleasePolicyAsync();
        var first = await ImageAsync("one");
        var digest = await PutAsync(Tag("v1.0.0"), first);
        await PutAsync(Tag("v1.0.0"), first);

        var moved = await Manifests.PutAsync(Repo, Tag("v1.0.0"), await ImageAsync("two"), null, Ct);

        Assert.False(moved.Ok);
        Assert.Equal(OciErrorCode.Denied, moved.Error.Code);
        Assert.Equal($"tag v1.0.0 is immutable (namespace team, pattern 'v*') and already points at {digest}: push a new tag", moved.Error.Message);
        Assert.Equal(digest, await Metadata.ResolveTagAsync(Repo, "v1.0.0", Ct));
        Assert.Single(await Metadata.ListManifestsAsync(Repo, Ct)); // the refused manifest is not stored either
    }

    [Fact]
    public async Task Tags_outside_the_patterns_move_freely()
    {
        await UseReleasePolicyAsync();
        await PushTaggedAsync("latest", "one");
        var second = await PushTaggedAsync("latest", "two");
        Assert.Equal(second, await Metadata.ResolveTagAsync(Repo, "latest", Ct));
    }

    [Fact]
    public async Task Deleting_an_immutable_tag_or_its_manifest_is_refused_and_changes_nothing()
    {
        await UseReleasePolicyAsync();
        var digest = await PushTaggedAsync("v1.0.0");
        await PutAsync(Tag("latest"), await ImageAsync("v1.0.0"));

        var byTag = await Manifests.DeleteAsync(Repo, Tag("v1.0.0"), Ct);
        var byDigest = await Manifests.DeleteAsync(Repo, At(digest), Ct);

        Assert.Equal(OciErrorCode.Denied, byTag!.Code);
        Assert.Equal("tag v1.0.0 is immutable (namespace team, pattern 'v*') and cannot be deleted", byTag.Message);
        Assert.Equal(OciErrorCode.Denied, byDigest!.Code);
        Assert.Equal($"manifest {digest} carries the immutable tag(s) v1.0.0 (namespace team) and cannot be deleted", byDigest.Message);
        Assert.Equal(["latest", "v1.0.0"], await Metadata.ListTagsAsync(Repo, null, 10, Ct));
        Assert.Null(await Manifests.DeleteAsync(Repo, Tag("latest"), Ct)); // a mutable tag still goes
    }

    [Fact]
    public async Task An_alias_is_refused_on_a_plain_put_naming_the_promote_endpoint()
    {
        await UseReleasePolicyAsync();
        var refused = await Manifests.PutAsync(Repo, Tag("production"), await ImageAsync("one"), null, Ct);

        Assert.Equal(OciErrorCode.Denied, refused.Error!.Code);
        Assert.Equal("tag production is an alias (namespace team): it moves only by promotion, "
            + "POST /api/v1/repositories/team/model/promote (wharf promote)", refused.Error.Message);
        Assert.Null(await Metadata.ResolveTagAsync(Repo, "production", Ct));
    }

    [Fact]
    public async Task A_repository_policy_overrides_its_namespace_field_by_field()
    {
        await UseReleasePolicyAsync();
        await SetPolicyAsync(PolicyScope.Repository("team/scratch"), new VersioningPolicy(ImmutableTags: []));
        await SetPolicyAsync(PolicyScope.Repository(Repo), new VersioningPolicy(ImmutableTags: ["release-*"]));

        await PushTaggedAsync("v1", "one", "team/scratch");
        await PushTaggedAsync("v1", "two", "team/scratch"); // scratch turned immutability off
        await PushTaggedAsync("v1", "one");
        await PushTaggedAsync("v1", "two"); // team/model's own patterns replace the namespace's
        await PushTaggedAsync("release-1", "one");
        var refused = await Manifests.PutAsync(Repo, Tag("release-1"), await ImageAsync("two"), null, Ct);
        Assert.Contains("(repository team/model, pattern 'release-*')", refused.Error!.Message, StringComparison.Ordinal);

        // Aliases were not overridden, so they are still the namespace's.
        var alias = await Manifests.PutAsync("team/scratch", Tag("staging"), await ImageAsync("x", "team/scratch"), null, Ct);
        Assert.Equal(OciErrorCode.Denied, alias.Error!.Code);
        Assert.Equal(["v*"], (await Policies.EffectiveAsync("team/other", Ct)).ImmutableTags);
    }

    [Fact]
    public async Task A_repository_alias_that_an_inherited_pattern_would_freeze_is_refused()
    {
        await SetPolicyAsync(PolicyScope.Namespace("team"), new VersioningPolicy(["*"]));
        var refused = await Policies.PutAsync(PolicyScope.Repository(Repo), new VersioningPolicy(Aliases: ["production"]), Ct);
        Assert.Equal(PolicyProblemKind.BadRequest, refused.Problem!.Kind);
        Assert.Contains("namespace team", refused.Problem.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetPolicyAsync(PolicyScope.Repository(Repo), Ct));
    }
}

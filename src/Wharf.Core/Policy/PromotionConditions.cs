namespace Wharf.Core.Policy;

/// <summary>What a promotion condition sees: the alias, the manifest it would point at, and the policy in force.</summary>
public sealed record PromotionContext(string Repository, string Alias, ManifestSummary Target, EffectivePolicy Policy);

/// <summary>
/// One condition a promotion may require, named in a policy's <c>promotion.require</c>. Later gates (vulnerability
/// scan, signature) are more implementations registered with the host.
/// </summary>
public interface IPromotionCondition
{
    string Name { get; }

    /// <summary>Null when the condition holds, else why not, as the client will read it.</summary>
    Task<string?> CheckAsync(PromotionContext context, CancellationToken ct);
}

public static class PromotionConditions
{
    public const string ImmutableTag = "immutable-tag";

    /// <summary>The conditions this build knows.</summary>
    public static IReadOnlyList<IPromotionCondition> BuiltIn { get; } = [new ImmutableTagCondition()];
}

/// <summary>
/// The target carries a tag the policy makes immutable: what production runs can always be named by a version that
/// will never mean anything else.
/// </summary>
public sealed class ImmutableTagCondition : IPromotionCondition
{
    public string Name => PromotionConditions.ImmutableTag;

    public Task<string?> CheckAsync(PromotionContext context, CancellationToken ct)
    {
        if (context.Target.Tags.Any(context.Policy.IsImmutable)) return Task.FromResult<string?>(null);
        string tags = context.Target.Tags.Count == 0 ? "no tags" : "only the tags " + string.Join(", ", context.Target.Tags);
        string patterns = context.Policy.ImmutableTags.Count == 0
            ? "the policy makes no tag immutable"
            : "immutable tags match " + string.Join(", ", context.Policy.ImmutableTags);
        return Task.FromResult<string?>(
            $"condition {Name}: {context.Target.Digest} has {tags}, none of them immutable ({patterns}); push it under an immutable version tag first");
    }
}

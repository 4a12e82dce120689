namespace Wharf.Core.Policy;

/// <summary>
/// A request to point <see cref="Alias"/> at <see cref="Target"/>, if it still points at <see cref="ExpectedCurrent"/>.
/// <see cref="Actor"/> is the name the promotion record keeps; <see cref="Subject"/>, when given, is the principal as the
/// audit log names it ("user:alice"), which the tag history row records (else it records <see cref="Actor"/>).
/// </summary>
public sealed record Promotion(string Repository, string Alias, Digest Target, Digest? ExpectedCurrent, string Actor, string Reason,
    string? Subject = null)
{
    /// <summary>Who the alias's tag history row names.</summary>
    public string HistoryActor => Subject ?? Actor;
}

/// <summary>One alias move made by a promotion: who, when, why, from which manifest to which.</summary>
public sealed record PromotionRecord(long Id, string Repository, string Alias, Digest? From, Digest To, string Actor, string Reason, DateTimeOffset At);

public enum PromoteOutcome { Promoted, Unchanged, TargetUnknown, AliasMoved }

/// <summary>The outcome of a promotion; <see cref="Current"/> is where the alias points when it moved meanwhile.</summary>
public sealed record PromoteResult(PromoteOutcome Outcome, PromotionRecord? Record = null, Digest? Current = null);

/// <summary>
/// Versioning policies and promotion records. Lives in the metadata database: a promotion moves the alias tag,
/// writes its tag history row and its promotion record in the same transaction as the metadata store's own tag
/// moves, so it serializes with manifest puts to the same tag.
/// </summary>
public interface IPolicyStore
{
    /// <summary>The policy stored on the scope itself (nothing inherited), or null when none is.</summary>
    Task<VersioningPolicy?> GetPolicyAsync(PolicyScope scope, CancellationToken ct);

    /// <summary>Replaces the scope's policy.</summary>
    Task PutPolicyAsync(PolicyScope scope, VersioningPolicy policy, CancellationToken ct);

    /// <summary>
    /// In one transaction: checks the target manifest is in the repository and the alias still points at
    /// <see cref="Promotion.ExpectedCurrent"/> (null: absent), then moves it, writes tag history and the record.
    /// </summary>
    Task<PromoteResult> PromoteAsync(Promotion promotion, CancellationToken ct);

    /// <summary>Promotions in the repository, newest first, optionally of one alias.</summary>
    Task<IReadOnlyList<PromotionRecord>> ListPromotionsAsync(string repository, string? alias, int limit, CancellationToken ct);
}

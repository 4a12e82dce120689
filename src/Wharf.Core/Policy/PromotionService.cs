namespace Wharf.Core.Policy;

/// <summary>
/// What a promotion asks for: the alias to move, the target (tag or digest) and why. <see cref="Subject"/> is the
/// caller as the audit log names it, for the alias's tag history (see <see cref="Promotion.Subject"/>).
/// </summary>
public sealed record PromotionRequest(string Repository, string Alias, string Target, string Reason, string Actor, string? Subject = null);

/// <summary>
/// Moves aliases (staging, production, …) after checking the policy's promotion conditions. The move, its tag
/// history row and its promotion record are one transaction in <see cref="IPolicyStore.PromoteAsync"/>, which
/// also refuses when the alias moved after the conditions were checked.
/// </summary>
public sealed class PromotionService(IMetadataStore metadata, IPolicyStore store, PolicyService policies, IEnumerable<IPromotionCondition> conditions)
{
    private readonly Dictionary<string, IPromotionCondition> _conditions = conditions.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public async Task<PolicyResult<PromoteResult>> PromoteAsync(PromotionRequest request, CancellationToken ct)
    {
        if (!Reference.IsValidName(request.Repository)) return PolicyProblem.BadRequest($"'{request.Repository}' is not a valid repository name");
        if (!Reference.IsValidTag(request.Alias)) return PolicyProblem.BadRequest($"alias '{request.Alias}' is not a valid tag");
        if (string.IsNullOrWhiteSpace(request.Target) || !ManifestReference.TryParse(request.Target, out var target))
            return PolicyProblem.BadRequest($"target '{request.Target}' is neither a tag nor a digest");
        if (string.IsNullOrWhiteSpace(request.Reason)) return PolicyProblem.BadRequest("a promotion needs a reason (it is recorded with who promoted and when)");

        var policy = await policies.EffectiveAsync(request.Repository, ct);
        if (!policy.IsAlias(request.Alias))
        {
            string aliases = policy.Aliases.Count == 0 ? "it has none" : "its aliases are " + string.Join(", ", policy.Aliases);
            return PolicyProblem.Refused($"'{request.Alias}' is not an alias of {request.Repository} ({aliases}); add it to the policy's aliases first");
        }
        if (policy.ImmutablePattern(request.Alias) is { } pattern)
            return PolicyProblem.Refused($"alias '{request.Alias}' matches the immutable tag pattern '{pattern}' ({policy.ImmutableSource}), so it cannot move");

        var digest = target.Digest ?? await metadata.ResolveTagAsync(request.Repository, target.Tag!, ct);
        var summary = digest is null ? null
            : (await metadata.ListManifestsAsync(request.Repository, ct)).FirstOrDefault(m => m.Digest == digest);
        if (summary is null) return PolicyProblem.NotFound($"target {request.Target} is not in repository {request.Repository}");

        var context = new PromotionContext(request.Repository, request.Alias, summary, policy);
        var failures = new List<string>();
        foreach (var name in policy.PromotionRequires)
        {
            if (!_conditions.TryGetValue(name, out var condition))
                failures.Add($"condition {name} is required by the policy but not known to this server");
            else if (await condition.CheckAsync(context, ct) is { } failure)
                failures.Add(failure);
        }
        if (failures.Count > 0)
            return PolicyProblem.Refused($"cannot promote {request.Target} to {request.Alias}: " + string.Join("; ", failures));

        var current = await metadata.ResolveTagAsync(request.Repository, request.Alias, ct);
        var result = await store.PromoteAsync(new Promotion(request.Repository, request.Alias, summary.Digest, current, request.Actor, request.Reason.Trim(), request.Subject), ct);
        return result.Outcome switch
        {
            PromoteOutcome.TargetUnknown => PolicyProblem.NotFound($"target {request.Target} was deleted from {request.Repository} during the promotion"),
            PromoteOutcome.AliasMoved => PolicyProblem.Conflict(
                $"alias {request.Alias} moved to {result.Current?.ToString() ?? "nothing"} during the promotion; check it and promote again"),
            _ => result,
        };
    }

    public Task<IReadOnlyList<PromotionRecord>> HistoryAsync(string repository, string? alias, int limit, CancellationToken ct) =>
        store.ListPromotionsAsync(repository, alias, limit, ct);
}

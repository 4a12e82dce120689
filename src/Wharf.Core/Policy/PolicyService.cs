namespace Wharf.Core.Policy;

/// <summary>Reads and writes versioning policies and works out the one in force for a repository.</summary>
public sealed class PolicyService(IPolicyStore store, IEnumerable<IPromotionCondition> conditions)
{
    private readonly HashSet<string> _conditionNames = conditions.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

    public IReadOnlyCollection<string> ConditionNames => _conditionNames;

    /// <summary>The repository's policy over its namespace's, field by field.</summary>
    public async Task<EffectivePolicy> EffectiveAsync(string repository, CancellationToken ct)
    {
        var namespaceScope = PolicyScope.Namespace(Reference.Namespace(repository));
        var repositoryScope = PolicyScope.Repository(repository);
        var own = await store.GetPolicyAsync(repositoryScope, ct) ?? VersioningPolicy.None;
        var inherited = await store.GetPolicyAsync(namespaceScope, ct) ?? VersioningPolicy.None;
        return new EffectivePolicy(repository, own.Over(inherited),
            own.ImmutableTags is not null ? repositoryScope : inherited.ImmutableTags is not null ? namespaceScope : null,
            own.Aliases is not null ? repositoryScope : inherited.Aliases is not null ? namespaceScope : null);
    }

    public Task<VersioningPolicy?> GetAsync(PolicyScope scope, CancellationToken ct) => store.GetPolicyAsync(scope, ct);

    /// <summary>Stores the policy after checking it alone and, for a repository, together with its namespace's.</summary>
    public async Task<PolicyResult<VersioningPolicy>> PutAsync(PolicyScope scope, VersioningPolicy policy, CancellationToken ct)
    {
        if (ScopeProblem(scope) is { } bad) return PolicyProblem.BadRequest(bad);
        if (policy.Problem(_conditionNames) is { } problem) return PolicyProblem.BadRequest(problem);
        if (scope.Kind == PolicyScopeKind.Repository)
        {
            var inherited = await store.GetPolicyAsync(PolicyScope.Namespace(Reference.Namespace(scope.Name)), ct) ?? VersioningPolicy.None;
            if (policy.Over(inherited).Problem(_conditionNames) is { } combined)
                return PolicyProblem.BadRequest($"together with the policy of namespace {Reference.Namespace(scope.Name)}: {combined}");
        }
        await store.PutPolicyAsync(scope, policy, ct);
        return policy;
    }

    /// <summary>Why <paramref name="scope"/> names no namespace or repository, or null.</summary>
    public static string? ScopeProblem(PolicyScope scope) => scope.Kind switch
    {
        PolicyScopeKind.Namespace when !Reference.IsValidName(scope.Name) || scope.Name.Contains('/') =>
            $"'{scope.Name}' is not a namespace (one lower-case path component, such as 'team')",
        PolicyScopeKind.Repository when !Reference.IsValidName(scope.Name) => $"'{scope.Name}' is not a valid repository name",
        _ => null,
    };
}

namespace Wharf.Core.Policy;

/// <summary>What one retention deletion came to: done, or skipped because the repository changed since planning.</summary>
public sealed record RetentionResult(RetentionDeletion Deletion, bool Deleted);

/// <summary>
/// Runs the retention rules of a repository's policy: plans with <see cref="RetentionPlanner"/> and, unless it is
/// a dry run, deletes through the ordinary store calls (so tag history records every removed tag).
/// </summary>
public sealed class RetentionService(IMetadataStore metadata, PolicyService policies, TimeProvider time)
{
    /// <summary>Who tag history names for the deletions of a scheduled run: the policy's retention rule itself.</summary>
    public const string Actor = "retention";

    public async Task<RetentionPlan> PlanAsync(string repository, CancellationToken ct)
    {
        var policy = await policies.EffectiveAsync(repository, ct);
        if (policy.Retention is null) return new(repository, []);
        var manifests = await metadata.ListManifestsAsync(repository, ct);
        var children = new Dictionary<Digest, IReadOnlyList<Digest>>();
        foreach (var m in manifests.Where(m => MediaTypes.IsIndex(m.MediaType)))
        {
            if (await metadata.GetManifestAsync(repository, m.Digest, ct) is not { } index) continue;
            var parsed = ManifestParser.Parse(index.Content, index.MediaType);
            if (parsed.Ok) children[m.Digest] = parsed.Value.Manifests.Select(d => d.Digest).ToList();
        }
        return RetentionPlanner.Plan(repository, manifests, children, policy, time.GetUtcNow());
    }

    /// <summary>Plans and, unless <paramref name="dryRun"/>, deletes. A dry run reports every deletion as not done.</summary>
    public Task<IReadOnlyList<RetentionResult>> RunAsync(string repository, bool dryRun, CancellationToken ct) =>
        RunAsync(repository, dryRun, Actor, ct);

    /// <summary>As <see cref="RunAsync(string, bool, CancellationToken)"/>; tag history names <paramref name="actor"/> (who asked for the run).</summary>
    public async Task<IReadOnlyList<RetentionResult>> RunAsync(string repository, bool dryRun, string actor, CancellationToken ct)
    {
        var plan = await PlanAsync(repository, ct);
        if (dryRun) return plan.Deletions.Select(d => new RetentionResult(d, false)).ToList();
        var results = new List<RetentionResult>();
        foreach (var deletion in plan.Deletions)
        {
            // Retention is the policy's own rule, so immutable tags do not stop it; a tag added since planning does.
            var outcome = deletion.Action == RetentionAction.DeleteTag
                ? await metadata.DeleteTagAsync(repository, deletion.Tags[0], null, actor, ct)
                : await metadata.DeleteManifestAsync(repository, deletion.Digest, new TagGuard(t => !deletion.Tags.Contains(t)), actor, ct);
            results.Add(new RetentionResult(deletion, outcome == DeleteOutcome.Deleted));
        }
        return results;
    }

    /// <summary>The repositories of <paramref name="ns"/> (the namespace itself may be a repository too).</summary>
    public async Task<IReadOnlyList<string>> RepositoriesAsync(string? ns, CancellationToken ct)
    {
        var names = new List<string>();
        if (ns is not null && await metadata.RepositoryExistsAsync(ns, ct)) names.Add(ns);
        string? last = ns;
        while (true)
        {
            var page = await metadata.ListRepositoriesAsync(last, 500, ct);
            if (page.Count == 0) return names;
            foreach (var name in page)
            {
                // "ns/…" sorts before "ns0": past that, no name of the namespace follows.
                if (ns is not null && string.CompareOrdinal(name, ns + "0") >= 0) return names;
                if (ns is null || name.StartsWith(ns + "/", StringComparison.Ordinal)) names.Add(name);
            }
            last = page[^1];
        }
    }
}

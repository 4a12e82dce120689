namespace Wharf.Core.Policy;

public enum RetentionAction { DeleteTag, DeleteManifest }

/// <summary>
/// One thing retention removes: a tag (its manifest stays, something kept needs it) or a manifest with the tags
/// listed in <see cref="Tags"/>.
/// </summary>
public sealed record RetentionDeletion(RetentionAction Action, Digest Digest, IReadOnlyList<string> Tags, string Reason);

/// <summary>What retention deletes in one repository, in the order it deletes it.</summary>
public sealed record RetentionPlan(string Repository, IReadOnlyList<RetentionDeletion> Deletions);

/// <summary>
/// Works out what the retention rules delete from a repository's manifests, as a pure function so the dry run
/// and the real run decide the same way.
/// </summary>
public static class RetentionPlanner
{
    /// <param name="children">For each index in the repository, the manifests it lists.</param>
    public static RetentionPlan Plan(string repository, IReadOnlyList<ManifestSummary> manifests,
        IReadOnlyDictionary<Digest, IReadOnlyList<Digest>> children, EffectivePolicy policy, DateTimeOffset now)
    {
        var rules = policy.Retention;
        if (rules is null || (rules.KeepLastVersions is null && rules.DeleteUntaggedAfterDays is null)) return new(repository, []);
        var byDigest = manifests.ToDictionary(m => m.Digest);

        // Tags that go: semver versions past the newest N; with IncludeNonSemver, other tags past the newest N by push time.
        var dropped = new Dictionary<string, string>(StringComparer.Ordinal); // tag → why
        if (rules.KeepLastVersions is int keep)
        {
            var tagged = manifests.SelectMany(m => m.Tags.Select(t => (Tag: t, Manifest: m))).Where(t => !policy.IsAlias(t.Tag)).ToList();
            var versions = tagged
                .Select(t => (t.Tag, Version: SemanticVersion.TryParse(t.Tag, out var v) ? v : null))
                .Where(t => t.Version is not null)
                .OrderByDescending(t => t.Version).ThenBy(t => t.Tag, StringComparer.Ordinal).ToList();
            foreach (var (tag, _) in versions.Skip(keep))
                dropped[tag] = $"version {tag} is older than the newest {keep} by semantic version";
            if (rules.IncludeNonSemver)
            {
                var others = tagged.Where(t => !SemanticVersion.TryParse(t.Tag, out _))
                    .OrderByDescending(t => t.Manifest.CreatedAt).ThenBy(t => t.Tag, StringComparer.Ordinal).ToList();
                foreach (var (tag, _) in others.Skip(keep))
                    dropped[tag] = $"tag {tag} is older than the newest {keep} tags that are not versions";
            }
        }

        var cutoff = rules.DeleteUntaggedAfterDays is int days ? now - TimeSpan.FromDays(days) : (DateTimeOffset?)null;
        var kept = new HashSet<Digest>();
        var reasons = new Dictionary<Digest, string>();
        foreach (var m in manifests)
        {
            if (m.Tags.Count == 0)
            {
                if (cutoff is { } before && m.CreatedAt < before)
                    reasons[m.Digest] = $"untagged and pushed {m.CreatedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}, more than {rules.DeleteUntaggedAfterDays} days ago";
                else kept.Add(m.Digest);
            }
            else if (m.Tags.All(dropped.ContainsKey)) reasons[m.Digest] = string.Join("; ", m.Tags.Select(t => dropped[t]));
            else kept.Add(m.Digest);
        }

        // What kept manifests need stays too: an index's children, the subject a referrer points at, and the
        // referrers (signatures, model cards, SBOMs) attached to a kept manifest.
        var referrers = manifests.Where(m => m.Subject is not null).ToLookup(m => m.Subject!.Value, m => m.Digest);
        var work = new Stack<Digest>(kept);
        while (work.TryPop(out var digest))
        {
            var needed = referrers[digest].AsEnumerable();
            if (children.TryGetValue(digest, out var listed)) needed = needed.Concat(listed);
            if (byDigest.TryGetValue(digest, out var m) && m.Subject is { } subject) needed = needed.Append(subject);
            foreach (var next in needed)
                if (byDigest.ContainsKey(next) && kept.Add(next)) work.Push(next);
        }

        var deletions = new List<RetentionDeletion>();
        foreach (var m in manifests)
        {
            if (!kept.Contains(m.Digest))
                deletions.Add(new(RetentionAction.DeleteManifest, m.Digest, m.Tags, reasons[m.Digest]));
            else
                deletions.AddRange(m.Tags.Where(dropped.ContainsKey).Order(StringComparer.Ordinal)
                    .Select(t => new RetentionDeletion(RetentionAction.DeleteTag, m.Digest, [t], dropped[t] + "; its manifest is still needed")));
        }
        return new(repository, deletions);
    }
}

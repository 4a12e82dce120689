namespace Wharf.Core.Policy;

public enum PolicyScopeKind { Namespace, Repository }

/// <summary>Where a policy is set: a namespace (first path component) or one repository.</summary>
public sealed record PolicyScope(PolicyScopeKind Kind, string Name)
{
    public static PolicyScope Namespace(string name) => new(PolicyScopeKind.Namespace, name);
    public static PolicyScope Repository(string name) => new(PolicyScopeKind.Repository, name);

    public override string ToString() => $"{(Kind == PolicyScopeKind.Namespace ? "namespace" : "repository")} {Name}";
}

/// <summary>
/// The versioning policy of a namespace or repository. A null field is not set here: on a repository it
/// inherits the namespace's, so a repository can change its retention and keep the namespace's immutable tags.
/// </summary>
public sealed record VersioningPolicy(
    IReadOnlyList<string>? ImmutableTags = null,
    IReadOnlyList<string>? Aliases = null,
    PromotionRules? Promotion = null,
    RetentionRules? Retention = null)
{
    public static VersioningPolicy None { get; } = new();

    /// <summary>Why the policy cannot be stored, or null when it can.</summary>
    public string? Problem(IReadOnlyCollection<string> knownConditions)
    {
        foreach (var pattern in ImmutableTags ?? [])
            if (TagPattern.Problem(pattern) is { } problem) return "immutableTags: " + problem;
        foreach (var alias in Aliases ?? [])
        {
            if (!Reference.IsValidTag(alias)) return $"aliases: '{alias}' is not a valid tag";
            // An alias that is also immutable could never be promoted.
            if ((ImmutableTags ?? []).FirstOrDefault(p => TagPattern.Matches(p, alias)) is { } pattern)
                return $"aliases: '{alias}' matches the immutable tag pattern '{pattern}'; an alias must be movable";
        }
        if (Aliases is { } aliases && aliases.Distinct(StringComparer.Ordinal).Count() != aliases.Count) return "aliases: a name is listed twice";
        foreach (var condition in Promotion?.Require ?? [])
            if (!knownConditions.Contains(condition))
                return $"promotion.require: '{condition}' is not a known condition ({string.Join(", ", knownConditions.Order(StringComparer.Ordinal))})";
        if (Retention is { } retention)
        {
            if (retention.KeepLastVersions is < 1) return "retention.keepLastVersions must be at least 1 (leave it out to keep every version)";
            if (retention.DeleteUntaggedAfterDays is < 0) return "retention.deleteUntaggedAfterDays must be 0 or more";
        }
        return null;
    }

    /// <summary>This policy's fields, with the unset ones taken from <paramref name="parent"/>.</summary>
    public VersioningPolicy Over(VersioningPolicy parent) => new(
        ImmutableTags ?? parent.ImmutableTags, Aliases ?? parent.Aliases, Promotion ?? parent.Promotion, Retention ?? parent.Retention);
}

/// <summary>What a promotion must satisfy; by default the target must carry an immutable tag.</summary>
public sealed record PromotionRules(IReadOnlyList<string>? Require = null);

/// <summary>
/// What the retention job deletes. <see cref="KeepLastVersions"/>: semver-tagged versions beyond the newest N
/// (by semver precedence) go; tags that are not semver are left alone unless <see cref="IncludeNonSemver"/>,
/// which keeps the newest N of them by push time too. <see cref="DeleteUntaggedAfterDays"/>: untagged manifests
/// older than that go, unless a kept manifest needs them (child of a kept index, subject or referrer of a kept one).
/// </summary>
public sealed record RetentionRules(int? KeepLastVersions = null, int? DeleteUntaggedAfterDays = null, bool IncludeNonSemver = false);

/// <summary>The policy in force for one repository, with where each part came from (for messages).</summary>
public sealed record EffectivePolicy(string Repository, VersioningPolicy Policy, PolicyScope? ImmutableSource, PolicyScope? AliasSource)
{
    public IReadOnlyList<string> ImmutableTags => Policy.ImmutableTags ?? [];
    public IReadOnlyList<string> Aliases => Policy.Aliases ?? [];
    public IReadOnlyList<string> PromotionRequires => Policy.Promotion?.Require ?? [PromotionConditions.ImmutableTag];
    public RetentionRules? Retention => Policy.Retention;

    /// <summary>The immutable pattern <paramref name="tag"/> matches, or null.</summary>
    public string? ImmutablePattern(string tag) => ImmutableTags.FirstOrDefault(p => TagPattern.Matches(p, tag));

    public bool IsImmutable(string tag) => ImmutablePattern(tag) is not null;

    public bool IsAlias(string tag) => Aliases.Contains(tag, StringComparer.Ordinal);

    /// <summary>The guard the metadata store checks inside its transaction: immutable tags never move or go.</summary>
    public TagGuard? Guard => ImmutableTags.Count == 0 ? null : new TagGuard(IsImmutable);
}

namespace Wharf.Core;

/// <summary>A stored manifest: its raw bytes and what the registry indexed from them.</summary>
public sealed record ManifestRecord(
    Digest Digest,
    string MediaType,
    byte[] Content,
    string? ArtifactType,
    Digest? Subject,
    IReadOnlyDictionary<string, string>? Annotations,
    DateTimeOffset CreatedAt)
{
    public long Size => Content.LongLength;
}

/// <summary>A manifest that names another as its subject, as the referrers API lists it.</summary>
public sealed record ReferrerRecord(Digest Digest, string MediaType, long Size, string? ArtifactType, IReadOnlyDictionary<string, string>? Annotations);

/// <summary>An upload session, shared by every replica.</summary>
public sealed record UploadSession(string Id, string Repository, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Tags a policy protects (immutable tags): once a protected tag exists, the store neither moves it to another
/// manifest nor removes it. The store asks <see cref="IsProtected"/> inside the transaction that would move or
/// remove the tag, so two concurrent writers cannot both pass the check.
/// </summary>
public sealed record TagGuard(Func<string, bool> IsProtected);

/// <summary>
/// What must be true in the repository for a manifest to be stored. <see cref="Actor"/> is who pushed it, as the
/// audit log names them ("user:alice", "robot:ci", "anonymous"); the tag history row of a tag move records it.
/// </summary>
public sealed record ManifestPut(
    string Repository,
    ManifestRecord Manifest,
    string? Tag,
    IReadOnlyList<Digest> RequiredBlobs,
    IReadOnlyList<Digest> RequiredManifests,
    TagGuard? Guard = null,
    string? Actor = null);

public enum ManifestPutOutcome { Stored, BlobUnknown, ManifestUnknown, TagProtected }

/// <summary>
/// The outcome of a manifest put; <see cref="Missing"/> names the first reference that was not found, and
/// <see cref="Current"/> where a protected tag points (<see cref="ManifestPutOutcome.TagProtected"/>), and
/// <see cref="Previous"/> the manifest a stored put moved the tag away from (null when the tag is new, already
/// pointed here, or there is no tag), so the audit can record the move without reading the store again.
/// </summary>
public sealed record ManifestPutResult(ManifestPutOutcome Outcome, Digest? Missing = null, Digest? Current = null, Digest? Previous = null);

/// <summary><see cref="Protected"/>: a tag the guard protects would have been removed; nothing was.</summary>
public enum DeleteOutcome { Deleted, NotFound, Protected }

/// <summary>A manifest of a repository with the tags on it, as retention and promotion read them.</summary>
public sealed record ManifestSummary(Digest Digest, string MediaType, Digest? Subject, DateTimeOffset CreatedAt, IReadOnlyList<string> Tags);

/// <summary>
/// The truth about names: repositories, repository↔blob links, manifests, tags, referrers and upload
/// sessions. Every multi-row change is one transaction, so a reader sees the old state or the new one.
/// </summary>
public interface IMetadataStore
{
    /// <summary>Creates or upgrades the schema.</summary>
    Task MigrateAsync(CancellationToken ct);

    Task<bool> RepositoryExistsAsync(string repository, CancellationToken ct);

    /// <summary>Repository names in lexical order after <paramref name="last"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken ct);

    /// <summary>Links a stored blob into a repository (creating the repository). Idempotent.</summary>
    Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken ct);

    /// <summary>The blob's size when it is linked into the repository, else null.</summary>
    Task<long?> GetLinkedBlobSizeAsync(string repository, Digest digest, CancellationToken ct);

    Task<DeleteOutcome> UnlinkBlobAsync(string repository, Digest digest, CancellationToken ct);

    /// <summary>
    /// In one transaction: checks every required blob is linked and every required manifest is stored in the
    /// repository, then stores the manifest, its referrer row, links its blobs, and points the tag at it. When
    /// the tag exists on another manifest and <see cref="ManifestPut.Guard"/> protects it, stores nothing and
    /// answers <see cref="ManifestPutOutcome.TagProtected"/> with the tag's current digest.
    /// </summary>
    Task<ManifestPutResult> PutManifestAsync(ManifestPut put, CancellationToken ct);

    Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken ct);

    Task<Digest?> ResolveTagAsync(string repository, string tag, CancellationToken ct);

    /// <summary>The manifest a tag points at, in one read (a GET by tag is the hottest request a registry serves).</summary>
    Task<ManifestRecord?> GetTaggedManifestAsync(string repository, string tag, CancellationToken ct);

    /// <summary>
    /// Deletes a manifest and every tag that points at it; <see cref="DeleteOutcome.Protected"/> (and nothing
    /// deleted) when one of those tags is protected by <paramref name="guard"/>. The tag history rows of the
    /// removed tags name <paramref name="actor"/> (as the audit log names principals; null when nobody is known).
    /// </summary>
    Task<DeleteOutcome> DeleteManifestAsync(string repository, Digest digest, TagGuard? guard, string? actor, CancellationToken ct);

    /// <summary>A delete nobody in particular asked for: its tag history rows name no actor.</summary>
    Task<DeleteOutcome> DeleteManifestAsync(string repository, Digest digest, TagGuard? guard, CancellationToken ct) =>
        DeleteManifestAsync(repository, digest, guard, null, ct);

    /// <summary>
    /// Deletes a tag, unless <paramref name="guard"/> protects it (<see cref="DeleteOutcome.Protected"/>); the tag
    /// history row names <paramref name="actor"/>.
    /// </summary>
    Task<DeleteOutcome> DeleteTagAsync(string repository, string tag, TagGuard? guard, string? actor, CancellationToken ct);

    /// <summary>A tag delete nobody in particular asked for: its tag history row names no actor.</summary>
    Task<DeleteOutcome> DeleteTagAsync(string repository, string tag, TagGuard? guard, CancellationToken ct) =>
        DeleteTagAsync(repository, tag, guard, null, ct);

    /// <summary>Every manifest of the repository with its tags (tags in byte order), oldest first.</summary>
    Task<IReadOnlyList<ManifestSummary>> ListManifestsAsync(string repository, CancellationToken ct);

    /// <summary>Tags in lexical order after <paramref name="last"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken ct);

    /// <summary>Manifests in the repository whose subject is <paramref name="subject"/>, optionally of one artifact type.</summary>
    Task<IReadOnlyList<ReferrerRecord>> ListReferrersAsync(string repository, Digest subject, string? artifactType, CancellationToken ct);

    Task CreateUploadAsync(UploadSession session, CancellationToken ct);

    Task<UploadSession?> GetUploadAsync(string id, CancellationToken ct);

    Task TouchUploadAsync(string id, DateTimeOffset at, CancellationToken ct);

    Task<DeleteOutcome> DeleteUploadAsync(string id, CancellationToken ct);

    /// <summary>Sessions not updated since <paramref name="before"/>, for the expiry job.</summary>
    Task<IReadOnlyList<UploadSession>> ListUploadsIdleSinceAsync(DateTimeOffset before, int limit, CancellationToken ct);
}

namespace Wharf.Core.Catalog;

/// <summary>A claimed row of the index queue: index this manifest, then complete or retry the claim.</summary>
public sealed record IndexJob(long Id, string Repository, Digest Digest, int Attempts, long Generation, string Worker);

/// <summary>A manifest waiting in the index queue (not indexed yet, or being retried).</summary>
public sealed record QueuedIndex(int Attempts, string? LastError, DateTimeOffset DueAt);

/// <summary>
/// What the catalog knows about one manifest. Filter fields are columns; the rest is JSON the ML module writes and
/// the API returns (the store never looks inside it).
/// </summary>
public sealed record ModelVersionRecord
{
    public required string Repository { get; init; }
    public required Digest Digest { get; init; }
    public required string Kind { get; init; }
    /// <summary>indexed, partial (some parts unreadable, see Errors) or failed (indexing gave up).</summary>
    public required string Status { get; init; }
    public string? Error { get; init; }
    public string? Name { get; init; }
    public string? Format { get; init; }
    public string? Architecture { get; init; }
    public long? ParameterCount { get; init; }
    public string? Quantization { get; init; }
    public IReadOnlyList<string> Licenses { get; init; } = [];
    /// <summary>Free text the q= search matches (case-insensitively).</summary>
    public string SearchText { get; init; } = "";
    public string MetadataJson { get; init; } = "{}";
    public string FilesJson { get; init; } = "[]";
    public string? LineageJson { get; init; }
    public string? CardJson { get; init; }
    /// <summary>The model card's text (Markdown), which q= matches too (case-insensitively); null without a card.</summary>
    public string? CardText { get; init; }
    public string ErrorsJson { get; init; } = "[]";
    public required DateTimeOffset IndexedAt { get; init; }

    // Filled on read from the registry's own tables.
    public long Cursor { get; init; }
    public Digest? Subject { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public DateTimeOffset PushedAt { get; init; }
}

/// <summary>Filters of a catalog search; null means "any". Text filters compare case-insensitively.</summary>
public sealed record ModelQuery
{
    public string? Text { get; init; }
    public string? Kind { get; init; }
    public string? Format { get; init; }
    public string? Architecture { get; init; }
    public string? Quantization { get; init; }
    public string? License { get; init; }
    public string? Namespace { get; init; }
    public string? Repository { get; init; }
    public long? MinParameters { get; init; }
    public long? MaxParameters { get; init; }
    /// <summary>Also list manifests that are attachments (they have a subject).</summary>
    public bool IncludeAttachments { get; init; }
    /// <summary>Only versions with a smaller <see cref="ModelVersionRecord.Cursor"/> (the next page).</summary>
    public long? Before { get; init; }
    public int Limit { get; init; } = 50;
}

public sealed record TagInfo(string Name, Digest Digest, DateTimeOffset UpdatedAt);

/// <summary>
/// One tag move: a new tag (Old null), a move, or a delete (New null). Actor is who made it, as the audit log names
/// principals ("user:alice", "robot:ci", "anonymous", "retention"); null for moves recorded before actors were.
/// </summary>
public sealed record TagMove(long Id, string Tag, Digest? Old, Digest? New, DateTimeOffset At, string? Actor);

/// <summary>
/// The model catalog and its durable index queue, kept apart from <see cref="IMetadataStore"/> (the truth about
/// names) but in the same database, so that:
/// <list type="bullet">
/// <item>every manifest the metadata store newly stores is enqueued in the same transaction as its put (a crash can
/// never lose the push's indexing), and a deleted manifest takes its queue row and catalog entry with it;</item>
/// <item>claims are leases: a row is claimed only when unclaimed or its claim expired, so replicas never index
/// the same row at once, and a crashed worker's rows come back after the lease.</item>
/// </list>
/// The schema comes with the metadata store's migrations.
/// </summary>
public interface IModelCatalogStore
{
    /// <summary>Asks for (re)indexing of a stored manifest; a no-op when the repository does not hold it.</summary>
    Task EnqueueAsync(string repository, Digest digest, CancellationToken ct);

    /// <summary>Claims up to <paramref name="limit"/> due rows for <paramref name="worker"/> until <paramref name="leaseUntil"/>.</summary>
    Task<IReadOnlyList<IndexJob>> ClaimAsync(string worker, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct);

    /// <summary>
    /// Stores the version (null: the manifest is gone, nothing to store) and removes the row, if the claim is still
    /// this job's. A row re-enqueued while the job ran is released instead, so it runs again. False when the claim was lost.
    /// </summary>
    Task<bool> CompleteAsync(IndexJob job, ModelVersionRecord? version, CancellationToken ct);

    /// <summary>Releases the claim with the error, to be claimed again at <paramref name="dueAt"/>.</summary>
    Task RetryAsync(IndexJob job, string error, DateTimeOffset dueAt, CancellationToken ct);

    Task<QueuedIndex?> GetQueuedAsync(string repository, Digest digest, CancellationToken ct);

    Task<ModelVersionRecord?> GetVersionAsync(string repository, Digest digest, CancellationToken ct);

    /// <summary>Versions matching the query, newest first (descending cursor).</summary>
    Task<IReadOnlyList<ModelVersionRecord>> SearchAsync(ModelQuery query, CancellationToken ct);

    /// <summary>Every tag of the repository with the digest it points at.</summary>
    Task<IReadOnlyList<TagInfo>> ListTagsAsync(string repository, CancellationToken ct);

    /// <summary>Tag moves, newest first, optionally of one tag, with ids below <paramref name="before"/>.</summary>
    Task<IReadOnlyList<TagMove>> ListTagHistoryAsync(string repository, string? tag, long? before, int limit, CancellationToken ct);
}

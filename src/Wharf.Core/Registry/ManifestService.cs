using System.Text.Json;
using Wharf.Core.Policy;

namespace Wharf.Core.Registry;

/// <summary>The manifest stored under a reference, with the digest it resolved to.</summary>
public sealed record ResolvedManifest(ManifestRecord Manifest, string? Tag);

/// <summary>A stored manifest and, when its put moved a tag, the manifest the tag pointed at before.</summary>
public sealed record PushedManifest(ManifestRecord Manifest, Digest? PreviousTagTarget);

/// <summary>
/// The push and pull rules for manifests: bounded size, digest checked against the reference, a valid
/// manifest whose every blob and child is already in the repository, stored with its tag in one transaction.
/// With <paramref name="policies"/>, the versioning policy holds too: aliases move only by promotion, and immutable
/// tags never move or go (checked by the store inside that transaction).
/// </summary>
public sealed class ManifestService(IMetadataStore metadata, RegistryLimits limits, TimeProvider time, PolicyService? policies = null)
{
    public int MaxBytes => limits.MaxManifestBytes;

    public async Task<Result<ManifestRecord>> PutAsync(string repository, ManifestReference reference, ReadOnlyMemory<byte> content, string? contentType, CancellationToken ct)
    {
        var pushed = await PushAsync(repository, reference, content, contentType, actor: null, ct);
        return pushed.Ok ? pushed.Value.Manifest : pushed.Error;
    }

    /// <summary>Stores the manifest; a tag it moves is recorded in tag history as moved by <paramref name="actor"/>.</summary>
    public async Task<Result<PushedManifest>> PushAsync(string repository, ManifestReference reference, ReadOnlyMemory<byte> content, string? contentType,
        string? actor, CancellationToken ct)
    {
        if (content.Length > limits.MaxManifestBytes) return TooLarge();
        var digest = Digest.Compute(content.Span, reference.Digest?.Algorithm ?? Digest.Sha256);
        if (reference.Digest is { } expected && expected != digest)
            return OciErrors.DigestInvalid($"manifest digest {digest} does not match the reference {expected}");

        var parsed = ManifestParser.Parse(content.Span, contentType);
        if (!parsed.Ok) return parsed.Error;
        var manifest = parsed.Value;

        var record = new ManifestRecord(
            digest, manifest.MediaType, content.ToArray(), manifest.EffectiveArtifactType,
            manifest.Subject?.Digest, manifest.Annotations, time.GetUtcNow());
        var requiredBlobs = manifest.Blobs.Where(d => !IsForeign(d)).Select(d => d.Digest).Distinct().ToList();
        var requiredManifests = manifest.Manifests.Select(d => d.Digest).Distinct().ToList();
        var policy = reference.Tag is null || policies is null ? null : await policies.EffectiveAsync(repository, ct);
        if (policy is not null && policy.IsAlias(reference.Tag!))
            return Denied($"tag {reference.Tag} is an alias ({policy.AliasSource}): it moves only by promotion, "
                + $"POST /api/v1/repositories/{repository}/promote (wharf promote)");
        var put = new ManifestPut(repository, record, reference.Tag, requiredBlobs, requiredManifests, policy?.Guard, actor);

        var result = await metadata.PutManifestAsync(put, ct);
        // The spec has one code for both: MANIFEST_BLOB_UNKNOWN, "manifest references a manifest or blob unknown
        // to registry" (distribution answers a manifest list's missing child with it too). MANIFEST_UNKNOWN is for
        // a GET or DELETE of a manifest that is not there.
        return result.Outcome switch
        {
            ManifestPutOutcome.Stored => new PushedManifest(record, result.Previous),
            ManifestPutOutcome.TagProtected => Denied($"tag {reference.Tag} is immutable ({policy!.ImmutableSource}, pattern "
                + $"'{policy.ImmutablePattern(reference.Tag!)}') and already points at {result.Current}: push a new tag"),
            ManifestPutOutcome.BlobUnknown => new OciError(OciErrorCode.ManifestBlobUnknown,
                $"blob {result.Missing} is not in repository {repository}", new { digest = result.Missing?.ToString() }),
            _ => new OciError(OciErrorCode.ManifestBlobUnknown,
                $"manifest {result.Missing} is not in repository {repository}", new { digest = result.Missing?.ToString() }),
        };
    }

    public async Task<ResolvedManifest?> GetAsync(string repository, ManifestReference reference, CancellationToken ct)
    {
        var manifest = reference.Digest is { } digest
            ? await metadata.GetManifestAsync(repository, digest, ct)
            : await metadata.GetTaggedManifestAsync(repository, reference.Tag!, ct);
        return manifest is null ? null : new ResolvedManifest(manifest, reference.Tag);
    }

    /// <summary>
    /// Deleting by digest removes the manifest and its tags; by tag, only the tag. Null when done; else
    /// MANIFEST_UNKNOWN, or DENIED when an immutable tag would go.
    /// </summary>
    public Task<OciError?> DeleteAsync(string repository, ManifestReference reference, CancellationToken ct) =>
        DeleteAsync(repository, reference, actor: null, ct);

    /// <inheritdoc cref="DeleteAsync(string, ManifestReference, CancellationToken)"/>
    /// <remarks>The tag history rows of removed tags name <paramref name="actor"/>.</remarks>
    public async Task<OciError?> DeleteAsync(string repository, ManifestReference reference, string? actor, CancellationToken ct)
    {
        var policy = policies is null ? null : await policies.EffectiveAsync(repository, ct);
        var outcome = reference.Digest is { } digest
            ? await metadata.DeleteManifestAsync(repository, digest, policy?.Guard, actor, ct)
            : await metadata.DeleteTagAsync(repository, reference.Tag!, policy?.Guard, actor, ct);
        if (outcome == DeleteOutcome.Deleted) return null;
        if (outcome == DeleteOutcome.NotFound) return OciErrors.ManifestUnknown(reference.ToString());
        if (reference.Tag is { } tag)
            return Denied($"tag {tag} is immutable ({policy!.ImmutableSource}, pattern '{policy.ImmutablePattern(tag)}') and cannot be deleted");
        var tags = (await metadata.ListManifestsAsync(repository, ct)).FirstOrDefault(m => m.Digest == reference.Digest)?.Tags ?? [];
        return Denied($"manifest {reference.Digest} carries the immutable tag(s) {string.Join(", ", tags.Where(policy!.IsImmutable))} "
            + $"({policy.ImmutableSource}) and cannot be deleted");
    }

    /// <summary>The referrers response: an image index of every manifest whose subject is <paramref name="subject"/>.</summary>
    public async Task<byte[]> ReferrersIndexAsync(string repository, Digest subject, string? artifactType, CancellationToken ct)
    {
        var referrers = await metadata.ListReferrersAsync(repository, subject, artifactType, ct);
        var index = new ReferrersIndex(2, MediaTypes.OciIndex, referrers.Select(r => new ReferrerDescriptor(
            r.MediaType, r.Digest.ToString(), r.Size, r.ArtifactType, r.Annotations)).ToList());
        return JsonSerializer.SerializeToUtf8Bytes(index, CoreJson.Wire.ReferrersIndex);
    }

    private static OciError Denied(string message) => new(OciErrorCode.Denied, message);

    private OciError TooLarge() => new(OciErrorCode.ManifestTooLarge,
        $"manifest exceeds the registry's limit of {limits.MaxManifestBytes} bytes", new { limit = limits.MaxManifestBytes });

    // Foreign (non-distributable) layers live elsewhere by definition; the registry cannot require them.
    private static bool IsForeign(Descriptor d) =>
        d.MediaType == MediaTypes.DockerForeignLayer || d.MediaType.Contains(".nondistributable.", StringComparison.Ordinal);
}

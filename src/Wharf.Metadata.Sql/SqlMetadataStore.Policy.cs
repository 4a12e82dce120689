using System.Text;
using Wharf.Core;
using Wharf.Core.Policy;

namespace Wharf.Metadata.Sql;

/// <summary>
/// Policies and promotions, in the same database as tags: a promotion takes its repository like a manifest put
/// or a tag delete, so its compare-and-set, tag history row and record are one step among them.
/// </summary>
public sealed partial class SqlMetadataStore : IPolicyStore
{
    public async Task<VersioningPolicy?> GetPolicyAsync(PolicyScope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await _database.ConnectAsync(ct);
        var json = await db.ScalarAsync("SELECT policy_json FROM policies WHERE scope = @scope AND name = @name;",
            ct, ("scope", ScopeText(scope)), ("name", scope.Name)) as string;
        if (json is null) return null;
        return PolicyJson.Parse(Encoding.UTF8.GetBytes(json), out var problem)
            ?? throw new InvalidOperationException($"stored policy of {scope} is unreadable: {problem}");
    }

    public async Task PutPolicyAsync(PolicyScope scope, VersioningPolicy policy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(policy);
        await using var db = await _database.ConnectAsync(ct);
        await db.ExecuteAsync(
            """
            INSERT INTO policies (scope, name, policy_json, updated_at) VALUES (@scope, @name, @json, @now)
            ON CONFLICT (scope, name) DO UPDATE SET policy_json = excluded.policy_json, updated_at = excluded.updated_at;
            """,
            ct, ("scope", ScopeText(scope)), ("name", scope.Name), ("json", PolicyJson.Serialize(policy)), ("now", _database.Now()));
    }

    public async Task<PromoteResult> PromoteAsync(Promotion promotion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(promotion);
        await using var db = await _database.BeginWriteAsync(ct);
        string target = promotion.Target.ToString();
        // The lock comes first: the alias read below is then the state this promotion moves from.
        if (await LockRepositoryAsync(db, promotion.Repository, ct) is not long repositoryId
            || await db.ScalarAsync("SELECT 1 FROM manifests WHERE repository_id = @repo AND digest = @digest;",
                ct, ("repo", repositoryId), ("digest", target)) is null)
            return new PromoteResult(PromoteOutcome.TargetUnknown);

        var current = await db.ScalarAsync("SELECT manifest_digest FROM tags WHERE repository_id = @repo AND name = @tag;",
            ct, ("repo", repositoryId), ("tag", promotion.Alias)) as string;
        if (current != promotion.ExpectedCurrent?.ToString())
            return new PromoteResult(PromoteOutcome.AliasMoved, Current: current is null ? null : Digest.Parse(current));
        if (current == target) return new PromoteResult(PromoteOutcome.Unchanged);

        await MoveTagAsync(db, repositoryId, promotion.Alias, current, target, promotion.HistoryActor, ct);
        // The stored time comes back as the database rounded it, so the returned record equals a later listing.
        var (id, at) = (await db.QueryAsync(
            """
            INSERT INTO promotions (repository_id, alias, from_digest, to_digest, actor, reason, at)
            VALUES (@repo, @alias, CAST(@from AS text), @to, @actor, @reason, @at) RETURNING id, at;
            """,
            r => (r.GetInt64(0), Dialect.ReadTime(r, 1)),
            ct, ("repo", repositoryId), ("alias", promotion.Alias), ("from", current), ("to", target),
            ("actor", promotion.Actor), ("reason", promotion.Reason), ("at", _database.Now())))[0];
        await db.CommitAsync(ct);
        return new PromoteResult(PromoteOutcome.Promoted, new PromotionRecord(id, promotion.Repository, promotion.Alias,
            promotion.ExpectedCurrent, promotion.Target, promotion.Actor, promotion.Reason, at));
    }

    public async Task<IReadOnlyList<PromotionRecord>> ListPromotionsAsync(string repository, string? alias, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await _database.ConnectAsync(ct);
        return await db.QueryAsync(
            """
            SELECT p.id, p.alias, p.from_digest, p.to_digest, p.actor, p.reason, p.at
            FROM promotions p JOIN repositories r ON r.id = p.repository_id
            WHERE r.name = @name AND (CAST(@alias AS text) IS NULL OR p.alias = CAST(@alias AS text)) ORDER BY p.id DESC LIMIT @limit;
            """,
            r => new PromotionRecord(r.GetInt64(0), repository, r.GetString(1), NullableDigest(r, 2),
                Digest.Parse(r.GetString(3)), r.GetString(4), r.GetString(5), Dialect.ReadTime(r, 6)),
            ct, ("name", repository), ("alias", alias), ("limit", limit));
    }

    private static string ScopeText(PolicyScope scope) => scope.Kind == PolicyScopeKind.Namespace ? "namespace" : "repository";
}

using System.Text;
using Wharf.Core;
using Wharf.Core.Policy;

namespace Wharf.Metadata.Sqlite;

/// <summary>Policies and promotions, in the same database as tags so a promotion is one transaction with its tag move.</summary>
public sealed partial class SqliteMetadataStore : IPolicyStore
{
    public async Task<VersioningPolicy?> GetPolicyAsync(PolicyScope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await ConnectAsync(ct);
        var json = await db.ScalarAsync("SELECT policy_json FROM policies WHERE scope = $scope AND name = $name;",
            ct, ("$scope", ScopeText(scope)), ("$name", scope.Name)) as string;
        if (json is null) return null;
        return PolicyJson.Parse(Encoding.UTF8.GetBytes(json), out var problem)
            ?? throw new InvalidOperationException($"stored policy of {scope} is unreadable: {problem}");
    }

    public async Task PutPolicyAsync(PolicyScope scope, VersioningPolicy policy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(policy);
        await using var db = await ConnectAsync(ct);
        await db.ExecuteAsync(
            """
            INSERT INTO policies (scope, name, policy_json, updated_at) VALUES ($scope, $name, $json, $now)
            ON CONFLICT (scope, name) DO UPDATE SET policy_json = excluded.policy_json, updated_at = excluded.updated_at;
            """,
            ct, ("$scope", ScopeText(scope)), ("$name", scope.Name), ("$json", PolicyJson.Serialize(policy)), ("$now", Now()));
    }

    public async Task<PromoteResult> PromoteAsync(Promotion promotion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(promotion);
        await using var db = await BeginWriteAsync(ct);
        string target = promotion.Target.ToString();
        if (await db.ScalarAsync(
                "SELECT m.repository_id FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.name = $name AND m.digest = $digest;",
                ct, ("$name", promotion.Repository), ("$digest", target)) is not long repositoryId)
            return new PromoteResult(PromoteOutcome.TargetUnknown);

        var current = await db.ScalarAsync("SELECT manifest_digest FROM tags WHERE repository_id = $repo AND name = $tag;",
            ct, ("$repo", repositoryId), ("$tag", promotion.Alias)) as string;
        if (current != promotion.ExpectedCurrent?.ToString())
            return new PromoteResult(PromoteOutcome.AliasMoved, Current: current is null ? null : Digest.Parse(current));
        if (current == target) return new PromoteResult(PromoteOutcome.Unchanged);

        await MoveTagAsync(db, repositoryId, promotion.Alias, current, target, promotion.HistoryActor, ct);
        long at = Now();
        long id = (long)(await db.ScalarAsync(
            """
            INSERT INTO promotions (repository_id, alias, from_digest, to_digest, actor, reason, at)
            VALUES ($repo, $alias, $from, $to, $actor, $reason, $at) RETURNING id;
            """,
            ct, ("$repo", repositoryId), ("$alias", promotion.Alias), ("$from", current), ("$to", target),
            ("$actor", promotion.Actor), ("$reason", promotion.Reason), ("$at", at)))!;
        await db.CommitAsync(ct);
        return new PromoteResult(PromoteOutcome.Promoted, new PromotionRecord(id, promotion.Repository, promotion.Alias,
            promotion.ExpectedCurrent, promotion.Target, promotion.Actor, promotion.Reason, FromUnix(at)));
    }

    public async Task<IReadOnlyList<PromotionRecord>> ListPromotionsAsync(string repository, string? alias, int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await using var db = await ConnectAsync(ct);
        return await db.QueryAsync(
            """
            SELECT p.id, p.alias, p.from_digest, p.to_digest, p.actor, p.reason, p.at
            FROM promotions p JOIN repositories r ON r.id = p.repository_id
            WHERE r.name = $name AND ($alias IS NULL OR p.alias = $alias) ORDER BY p.id DESC LIMIT $limit;
            """,
            r => new PromotionRecord(r.GetInt64(0), repository, r.GetString(1), NullableString(r, 2) is { } from ? Digest.Parse(from) : null,
                Digest.Parse(r.GetString(3)), r.GetString(4), r.GetString(5), FromUnix(r.GetInt64(6))),
            ct, ("$name", repository), ("$alias", alias), ("$limit", limit));
    }

    private static string ScopeText(PolicyScope scope) => scope.Kind == PolicyScopeKind.Namespace ? "namespace" : "repository";
}

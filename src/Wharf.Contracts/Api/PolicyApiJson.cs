using System.Text.Json.Serialization;
using Wharf.Core.Policy;

namespace Wharf.Contracts.Api;

/// <summary>GET/PUT policy answer: the scope's own policy and, for a repository, the one in force.</summary>
public sealed record PolicyResponse(string Scope, string Name, VersioningPolicy Policy, VersioningPolicy? Effective);

/// <summary>POST …/promote body; an unknown field is a 400, so a misspelt "reason" is not silently dropped.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PromoteBody(string? Alias, string? Target, string? Reason);

public sealed record PromotionView(long Id, string Repository, string Alias, string? From, string To, string Actor, string Reason, DateTimeOffset At)
{
    public static PromotionView Of(PromotionRecord r) =>
        new(r.Id, r.Repository, r.Alias, r.From?.ToString(), r.To.ToString(), r.Actor, r.Reason, r.At);
}

/// <summary>POST …/promote answer: <see cref="Promoted"/> is false when the alias already pointed at the target.</summary>
public sealed record PromoteResponse(bool Promoted, string Alias, string To, PromotionView? Promotion);

public sealed record PromotionsResponse(string Repository, IReadOnlyList<PromotionView> Promotions);

public sealed record RetentionItem(string Repository, string Action, string Digest, IReadOnlyList<string> Tags, string Reason, bool Deleted);

/// <summary>POST …/retention answer: every deletion, done or (dry run) to be done.</summary>
public sealed record RetentionResponse(bool DryRun, IReadOnlyList<string> Repositories, IReadOnlyList<RetentionItem> Deletions);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PolicyResponse))]
[JsonSerializable(typeof(PromoteBody))]
[JsonSerializable(typeof(PromoteResponse))]
[JsonSerializable(typeof(PromotionsResponse))]
[JsonSerializable(typeof(RetentionResponse))]
public sealed partial class PolicyApiJson : JsonSerializerContext;

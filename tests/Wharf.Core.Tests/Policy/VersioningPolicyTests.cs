using Wharf.Core.Policy;

namespace Wharf.Core.Tests.Policy;

public class VersioningPolicyTests
{
    private static readonly string[] Known = [PromotionConditions.ImmutableTag];

    [Theory]
    [InlineData("""{"immutableTags":["v/*"]}""", "immutableTags")]
    [InlineData("""{"aliases":["prod uction"]}""", "not a valid tag")]
    [InlineData("""{"immutableTags":["*"],"aliases":["production"]}""", "must be movable")]
    [InlineData("""{"aliases":["a","a"]}""", "twice")]
    [InlineData("""{"promotion":{"require":["scan-clean"]}}""", "not a known condition")]
    [InlineData("""{"retention":{"keepLastVersions":0}}""", "at least 1")]
    [InlineData("""{"retention":{"deleteUntaggedAfterDays":-1}}""", "0 or more")]
    public void Refuses_a_policy_that_cannot_work_with_a_reason(string json, string reason)
    {
        var policy = PolicyJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), out var problem);
        Assert.Null(problem);
        Assert.Contains(reason, policy!.Problem(Known), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"imutableTags":["v*"]}""")]
    [InlineData("""{"retention":{"keepLastVersions":"three"}}""")]
    [InlineData("""[]""")]
    [InlineData("""null""")]
    [InlineData("""{""")]
    public void Refuses_json_that_is_not_a_policy(string json)
    {
        Assert.Null(PolicyJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void Round_trips_through_json_and_inherits_field_by_field()
    {
        var parent = new VersioningPolicy(["v*"], ["production"], null, new RetentionRules(10));
        var own = new VersioningPolicy(Retention: new RetentionRules(3, 7));
        var json = PolicyJson.Serialize(own);
        Assert.Equal("""{"retention":{"keepLastVersions":3,"deleteUntaggedAfterDays":7,"includeNonSemver":false}}""", json);

        var effective = PolicyJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), out _)!.Over(parent);
        Assert.Equal(["v*"], effective.ImmutableTags);
        Assert.Equal(["production"], effective.Aliases);
        Assert.Equal(new RetentionRules(3, 7), effective.Retention);
        Assert.Null(effective.Problem(Known));
    }
}

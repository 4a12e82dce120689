using Wharf.Core.Access;

namespace Wharf.Core.Tests.Access;

public sealed class AccessRulesTests
{
    private static readonly NamespaceFacts Private = new(IsPublic: false);
    private static readonly NamespaceFacts Public = new(IsPublic: true);

    private static Principal User(string name, params (string Ns, Role Role)[] roles) => new()
    {
        Kind = PrincipalKind.User,
        Name = name,
        Roles = roles.ToDictionary(r => r.Ns, r => r.Role),
    };

    private static Principal Robot(params string[] grants) => new()
    {
        Kind = PrincipalKind.Robot,
        Name = "ci",
        Grants = [.. grants.Select(g => RobotGrant.TryParse(g, out var grant) ? grant : throw new FormatException(g))],
    };

    [Theory]
    [InlineData(Role.Reader, AccessAction.Pull)]
    [InlineData(Role.Writer, AccessAction.Pull | AccessAction.Push)]
    [InlineData(Role.Maintainer, AccessAction.Pull | AccessAction.Push | AccessAction.Delete)]
    [InlineData(Role.Admin, AccessAction.All)]
    public void A_role_grants_its_actions_in_its_namespace_only(Role role, AccessAction expected)
    {
        var user = User("alice", ("team", role));
        Assert.Equal(expected, AccessRules.Granted(user, "team/model", AccessAction.All, Private));
        Assert.Equal(expected, AccessRules.Granted(user, "team/deep/model", AccessAction.All, Private));
        Assert.Equal(AccessAction.None, AccessRules.Granted(user, "other/model", AccessAction.All, Private));
        // The namespace is the first segment exactly, not a prefix.
        Assert.Equal(AccessAction.None, AccessRules.Granted(user, "team2/model", AccessAction.All, Private));
    }

    [Fact]
    public void Anonymous_pulls_public_namespaces_and_nothing_else()
    {
        Assert.True(AccessRules.Allows(Principal.Anonymous, "pub/model", AccessAction.Pull, Public));
        Assert.False(AccessRules.Allows(Principal.Anonymous, "pub/model", AccessAction.Push, Public));
        Assert.False(AccessRules.Allows(Principal.Anonymous, "team/model", AccessAction.Pull, Private));
        Assert.Equal(AccessAction.Pull, AccessRules.Granted(Principal.Anonymous, "pub/model", AccessAction.All, Public));
    }

    [Fact]
    public void A_registry_admin_may_do_everything_everywhere()
    {
        var admin = User("root") with { IsAdmin = true };
        Assert.Equal(AccessAction.All, AccessRules.Granted(admin, "any/thing", AccessAction.All, Private));
    }

    [Fact]
    public void A_user_owns_the_namespace_named_after_them()
    {
        var user = User("alice");
        Assert.True(AccessRules.Allows(user, "alice/model", AccessAction.Push | AccessAction.Delete, Private));
        Assert.False(AccessRules.Allows(user, "alicex/model", AccessAction.Pull, Private));
    }

    [Fact]
    public void A_robot_holds_exactly_its_grants()
    {
        var robot = Robot("team:pull", "other/model:pull,push");
        Assert.True(AccessRules.Allows(robot, "team/a", AccessAction.Pull, Private));
        Assert.False(AccessRules.Allows(robot, "team/a", AccessAction.Push, Private));
        Assert.True(AccessRules.Allows(robot, "other/model", AccessAction.Pull | AccessAction.Push, Private));
        Assert.False(AccessRules.Allows(robot, "other/model2", AccessAction.Pull, Private));
        Assert.False(AccessRules.Allows(robot, "other/model/sub", AccessAction.Pull, Private));
        Assert.True(AccessRules.Allows(robot, "pub/x", AccessAction.Pull, Public));
    }

    [Fact]
    public void Asking_for_nothing_is_not_allowed()
    {
        Assert.False(AccessRules.Allows(User("a") with { IsAdmin = true }, "a/b", AccessAction.None, Private));
    }

    [Theory]
    [InlineData("team:admin")]
    [InlineData("team:")]
    [InlineData("team:fly")]
    [InlineData(":pull")]
    [InlineData("Team:pull")]
    public void Robot_grants_refuse_what_they_cannot_mean(string text) =>
        Assert.False(RobotGrant.TryParse(text, out _));

    [Fact]
    public void Robot_grant_lists_round_trip()
    {
        Assert.True(RobotGrant.TryParseList("team:pull,push other/model:delete", out var grants));
        Assert.Equal("team:pull,push other/model:delete", RobotGrant.FormatList(grants));
        Assert.False(RobotGrant.TryParseList("", out _));
    }
}

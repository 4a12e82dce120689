using Wharf.Core.Access;

namespace Wharf.Core.Tests.Access;

public sealed class AccessScopeTests
{
    [Theory]
    [InlineData("repository:team/model:pull,push", "repository", "team/model", AccessAction.Pull | AccessAction.Push)]
    [InlineData("repository:team/model:pull", "repository", "team/model", AccessAction.Pull)]
    [InlineData("repository:model:*", "repository", "model", AccessAction.All)]
    [InlineData("repository(plugin):team/model:pull", "repository", "team/model", AccessAction.Pull)]
    [InlineData("repository:team/model:delete,bogus", "repository", "team/model", AccessAction.Delete)]
    [InlineData("registry:catalog:*", "registry", "catalog", AccessAction.All)]
    public void Parses_the_token_protocol_scopes(string text, string type, string name, AccessAction actions)
    {
        Assert.True(AccessScope.TryParse(text, out var scope));
        Assert.Equal(type, scope.Type);
        Assert.Equal(name, scope.Name);
        Assert.Equal(actions, scope.Actions);
    }

    [Theory]
    [InlineData("")]
    [InlineData("repository")]
    [InlineData("repository:team/model")]
    [InlineData("repository:Team/Model:pull")]
    [InlineData("repository::pull")]
    [InlineData("registry:other:*")]
    [InlineData("bucket:x:pull")]
    public void Refuses_malformed_scopes(string text) => Assert.False(AccessScope.TryParse(text, out _));

    [Fact]
    public void Formats_as_clients_write_it()
    {
        Assert.Equal("repository:team/model:pull,push", AccessScope.Repository("team/model", AccessAction.Push | AccessAction.Pull).ToString());
        Assert.Equal("registry:catalog:*", AccessScope.Catalog.ToString());
    }

    [Theory]
    [InlineData("pull,push", true, AccessAction.Pull | AccessAction.Push)]
    [InlineData("*", true, AccessAction.All)]
    [InlineData("pull,fly", false, AccessAction.None)]
    [InlineData("", false, AccessAction.None)]
    public void Strict_action_parsing_names_every_action(string text, bool ok, AccessAction expected)
    {
        Assert.Equal(ok, AccessActions.TryParseStrict(text, out var actions));
        if (ok) Assert.Equal(expected, actions);
    }

    [Theory]
    [InlineData("reader", true)]
    [InlineData("Maintainer", true)]
    [InlineData("owner", false)]
    [InlineData("1", false)]
    public void Roles_parse_by_name(string text, bool ok) => Assert.Equal(ok, Roles.TryParse(text, out _));
}

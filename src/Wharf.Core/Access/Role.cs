namespace Wharf.Core.Access;

/// <summary>A member's role in a namespace; each role includes the ones before it.</summary>
public enum Role
{
    Reader = 1,
    Writer = 2,
    Maintainer = 3,
    Admin = 4,
}

public static class Roles
{
    /// <summary>The actions a role grants on every repository of its namespace.</summary>
    public static AccessAction Actions(Role role) => role switch
    {
        Role.Reader => AccessAction.Pull,
        Role.Writer => AccessAction.Pull | AccessAction.Push,
        // Maintainers also delete manifests, blobs and tags.
        Role.Maintainer => AccessAction.Pull | AccessAction.Push | AccessAction.Delete,
        Role.Admin => AccessAction.All,
        _ => AccessAction.None,
    };

    public static bool TryParse(string text, out Role role)
    {
        role = default;
        return !int.TryParse(text, out _) && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
    }

    public static string Wire(Role role) => role.ToString().ToLowerInvariant();
}

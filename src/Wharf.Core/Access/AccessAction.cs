namespace Wharf.Core.Access;

/// <summary>What a principal may do to a repository. A set: a scope asks for several at once.</summary>
[Flags]
public enum AccessAction
{
    None = 0,
    Pull = 1,
    Push = 2,
    Delete = 4,
    /// <summary>Members and settings of the namespace.</summary>
    Admin = 8,
    All = Pull | Push | Delete | Admin,
}

/// <summary>The wire names of actions, as they appear in scopes and in a token's access claim.</summary>
public static class AccessActions
{
    private static readonly (AccessAction Action, string Wire)[] Names =
    [
        (AccessAction.Pull, "pull"),
        (AccessAction.Push, "push"),
        (AccessAction.Delete, "delete"),
        (AccessAction.Admin, "admin"),
    ];

    /// <summary>Parses "pull,push"; "*" is every action. Unknown names are ignored, as the token spec allows.</summary>
    public static AccessAction Parse(string text)
    {
        var actions = AccessAction.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "*") return AccessAction.All;
            foreach (var (action, wire) in Names)
                if (part.Equals(wire, StringComparison.OrdinalIgnoreCase)) actions |= action;
        }
        return actions;
    }

    /// <summary>Strict parse for configuration and the admin API: every name must be known.</summary>
    public static bool TryParseStrict(string text, out AccessAction actions)
    {
        actions = AccessAction.None;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) return false;
        foreach (var part in parts)
        {
            var one = Parse(part);
            if (one == AccessAction.None) return false;
            actions |= one;
        }
        return true;
    }

    /// <summary>The wire names of a set, in a fixed order.</summary>
    public static IReadOnlyList<string> Wire(AccessAction actions) =>
        [.. Names.Where(n => actions.HasFlag(n.Action)).Select(n => n.Wire)];

    public static string Format(AccessAction actions) => string.Join(',', Wire(actions));
}

namespace Wharf.Core.Access;

/// <summary>What the registry knows about a namespace when it decides.</summary>
public readonly record struct NamespaceFacts(bool IsPublic);

/// <summary>
/// The one decision: may this principal do these actions on this repository? Everything else (tokens, the
/// catalog filter, the admin API) asks here, so the rules live in one place.
/// </summary>
public static class AccessRules
{
    /// <summary>The subset of <paramref name="requested"/> the principal holds on <paramref name="repository"/>.</summary>
    public static AccessAction Granted(Principal principal, string repository, AccessAction requested, NamespaceFacts facts)
    {
        var held = AccessAction.None;
        // Anyone, signed in or not, pulls from a public namespace.
        if (facts.IsPublic) held |= AccessAction.Pull;
        switch (principal.Kind)
        {
            case PrincipalKind.User:
                if (principal.IsAdmin) held |= AccessAction.All;
                var ns = Namespaces.Of(repository);
                if (principal.Roles.TryGetValue(ns, out var role)) held |= Roles.Actions(role);
                // Every user owns the namespace named after them, as on the public registries.
                if (ns == principal.Name) held |= AccessAction.All;
                break;
            case PrincipalKind.Robot:
                foreach (var grant in principal.Grants)
                    if (grant.Covers(repository)) held |= grant.Actions & ~AccessAction.Admin;
                break;
        }
        return held & requested;
    }

    public static bool Allows(Principal principal, string repository, AccessAction action, NamespaceFacts facts) =>
        action != AccessAction.None && Granted(principal, repository, action, facts) == action;
}

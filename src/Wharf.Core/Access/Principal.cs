namespace Wharf.Core.Access;

public enum PrincipalKind
{
    Anonymous,
    User,
    Robot,
}

/// <summary>
/// A robot's grant: a namespace (<c>team</c>, every repository in it) or one repository (<c>team/model</c>),
/// with the actions allowed there. Written <c>team:pull,push</c>.
/// </summary>
public sealed record RobotGrant(string Target, AccessAction Actions)
{
    /// <summary>A target without a slash is a namespace and covers every repository below it.</summary>
    public bool IsNamespace => !Target.Contains('/');

    public bool Covers(string repository) =>
        IsNamespace ? Namespaces.Of(repository) == Target : repository == Target;

    public static bool TryParse(string text, out RobotGrant grant)
    {
        grant = null!;
        int colon = text.LastIndexOf(':');
        if (colon <= 0) return false;
        var target = text[..colon];
        if (!Reference.IsValidName(target) || !AccessActions.TryParseStrict(text[(colon + 1)..], out var actions)) return false;
        // A robot never administers: members and settings stay with people.
        if (actions.HasFlag(AccessAction.Admin)) return false;
        grant = new RobotGrant(target, actions);
        return true;
    }

    /// <summary>Several grants as one line: <c>team:pull,push other/model:pull</c>.</summary>
    public static bool TryParseList(string text, out IReadOnlyList<RobotGrant> grants)
    {
        var list = new List<RobotGrant>();
        grants = list;
        foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryParse(part, out var grant)) return false;
            list.Add(grant);
        }
        return list.Count > 0;
    }

    public static string FormatList(IEnumerable<RobotGrant> grants) => string.Join(' ', grants);

    public override string ToString() => $"{Target}:{AccessActions.Format(Actions)}";
}

/// <summary>
/// Who is asking, with what they hold: a user's roles per namespace (and whether they administer the whole
/// registry), or a robot's grants. Built from the access store for each request, so a revoked robot or a
/// changed role counts at once.
/// </summary>
public sealed record Principal
{
    public PrincipalKind Kind { get; init; }

    /// <summary>The user name, the robot name, or empty for anonymous.</summary>
    public string Name { get; init; } = "";

    /// <summary>A registry administrator: every action everywhere, and the admin API.</summary>
    public bool IsAdmin { get; init; }

    public IReadOnlyDictionary<string, Role> Roles { get; init; } = new Dictionary<string, Role>();

    public IReadOnlyList<RobotGrant> Grants { get; init; } = [];

    public static Principal Anonymous { get; } = new() { Kind = PrincipalKind.Anonymous };

    public bool IsAuthenticated => Kind != PrincipalKind.Anonymous;

    /// <summary>How the audit log and token subject name this principal.</summary>
    public string Subject => Kind switch
    {
        PrincipalKind.User => "user:" + Name,
        PrincipalKind.Robot => "robot:" + Name,
        _ => "anonymous",
    };
}

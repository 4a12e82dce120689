namespace Wharf.Core.Access;

/// <summary>
/// A scope as the token protocol writes it: <c>TYPE:NAME:ACTIONS</c>, e.g. <c>repository:team/model:pull,push</c>
/// or <c>registry:catalog:*</c>. The type may carry a class (<c>repository(plugin)</c>), which is ignored.
/// </summary>
public sealed record AccessScope(string Type, string Name, AccessAction Actions)
{
    public const string RepositoryType = "repository";
    public const string RegistryType = "registry";
    public const string CatalogName = "catalog";

    public static AccessScope Repository(string name, AccessAction actions) => new(RepositoryType, name, actions);

    public static AccessScope Catalog { get; } = new(RegistryType, CatalogName, AccessAction.All);

    public bool IsCatalog => Type == RegistryType && Name == CatalogName;

    /// <summary>
    /// Parses one scope. The name sits between the first and the last colon, so it may not contain one itself
    /// (repository names never do). False for anything that does not have all three parts.
    /// </summary>
    public static bool TryParse(string? text, out AccessScope scope)
    {
        scope = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        int first = text.IndexOf(':');
        int last = text.LastIndexOf(':');
        if (first <= 0 || last <= first + 1) return false;
        var type = text[..first];
        int paren = type.IndexOf('(');
        if (paren > 0) type = type[..paren];
        var name = text[(first + 1)..last];
        if (type == RepositoryType && !Reference.IsValidName(name)) return false;
        if (type != RepositoryType && !(type == RegistryType && name == CatalogName)) return false;
        scope = new AccessScope(type, name, AccessActions.Parse(text[(last + 1)..]));
        return true;
    }

    public override string ToString() =>
        $"{Type}:{Name}:{(IsCatalog ? "*" : AccessActions.Format(Actions))}";
}

namespace Wharf.Core.Access;

/// <summary>A namespace is the first path segment of a repository name: the unit of access control.</summary>
public static class Namespaces
{
    public static string Of(string repository) => Reference.Namespace(repository);

    /// <summary>A namespace name is one path component of the repository grammar.</summary>
    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) => name is not null && !name.Contains('/') && Reference.IsValidName(name);
}

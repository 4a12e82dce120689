namespace Wharf.Client.Auth;

/// <summary>A user name and secret for one registry (a password, a robot token, or a personal access token).</summary>
public sealed record RegistryCredential(string Username, string Password)
{
    public override string ToString() => $"{Username}:***";
}

/// <summary>Where the client finds credentials for a registry host; null when it has none (anonymous).</summary>
public interface ICredentialProvider
{
    RegistryCredential? Find(string registry);
}

/// <summary>The first provider that knows the registry wins.</summary>
public sealed class CredentialChain(params ICredentialProvider[] providers) : ICredentialProvider
{
    public RegistryCredential? Find(string registry)
    {
        foreach (var provider in providers)
        {
            if (provider.Find(registry) is { } credential) return credential;
        }
        return null;
    }
}

/// <summary>Credentials given on the command line or in the environment: used for whichever registry is contacted.</summary>
public sealed class StaticCredentials(RegistryCredential? credential) : ICredentialProvider
{
    public RegistryCredential? Find(string registry) => credential;

    /// <summary>WHARF_USERNAME / WHARF_PASSWORD, when both are set.</summary>
    public static StaticCredentials FromEnvironment()
    {
        string? user = Environment.GetEnvironmentVariable("WHARF_USERNAME");
        string? password = Environment.GetEnvironmentVariable("WHARF_PASSWORD");
        return new(string.IsNullOrEmpty(user) || password is null ? null : new RegistryCredential(user, password));
    }
}

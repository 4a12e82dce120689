using Wharf.Client.Auth;

namespace Wharf.Cli.Credentials;

/// <summary>What <c>wharf login</c> saved, offered to the client commands (push, pull, …) like any other source.</summary>
internal sealed class LoginCredentials(CredentialStore store) : ICredentialProvider
{
    public Wharf.Client.Auth.RegistryCredential? Find(string registry) =>
        store.Get(registry) is { } saved ? new Wharf.Client.Auth.RegistryCredential(saved.Username, saved.Secret) : null;
}

using System.CommandLine;
using Wharf.Cli.Credentials;
using Wharf.Client;
using Wharf.Client.Auth;

namespace Wharf.Cli;

/// <summary>
/// The flags every registry command shares: plain HTTP, credentials. Credentials come from, first wins:
/// --username/--password (or --password-stdin), WHARF_USERNAME/WHARF_PASSWORD, what `wharf login` saved, then the
/// auth files other container tools keep (read-only).
/// </summary>
internal sealed class RegistryFlags
{
    public Option<bool> PlainHttp { get; } = new("--plain-http") { Description = "Speak plain HTTP to a registry that is not on localhost (loopback registries always get plain HTTP)" };
    public Option<string?> Username { get; } = new("--username", "-u") { Description = "User name for the registry (or WHARF_USERNAME)" };
    public Option<string?> Password { get; } = new("--password", "-p") { Description = "Password or token (or WHARF_PASSWORD; prefer --password-stdin)" };
    public Option<bool> PasswordStdin { get; } = new("--password-stdin") { Description = "Read the password from standard input" };

    public void AddTo(Command command)
    {
        command.Options.Add(PlainHttp);
        command.Options.Add(Username);
        command.Options.Add(Password);
        command.Options.Add(PasswordStdin);
    }

    public OciClient CreateClient(ParseResult result, string registry, Func<OciClientOptions, OciClientOptions>? tune = null)
    {
        var options = new OciClientOptions { PlainHttp = result.GetValue(PlainHttp), Credentials = Credentials(result) };
        return new OciClient(registry, tune is null ? options : tune(options));
    }

    private ICredentialProvider Credentials(ParseResult result)
    {
        string? user = result.GetValue(Username);
        string? password = result.GetValue(Password);
        if (result.GetValue(PasswordStdin)) password = Console.In.ReadLine()?.TrimEnd('\r', '\n');
        if (user is not null && password is null)
            throw new ArgumentException("--username needs --password or --password-stdin");
        var given = new StaticCredentials(user is null ? null : new RegistryCredential(user, password!));
        return new CredentialChain(given, StaticCredentials.FromEnvironment(), CredentialStore.Default(), ContainerAuthFiles.Default());
    }
}

using System.CommandLine;
using Wharf.Cli;
using Wharf.Cli.Serve;

var root = new RootCommand("Wharf: an OCI registry for machine-learning models and the containers that serve them.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(LoginCommand.Login());
root.Subcommands.Add(LoginCommand.Logout());
root.Subcommands.Add(UserCommand.Create());
root.Subcommands.Add(TokenCommand.Create());
root.Subcommands.Add(NamespaceCommand.Create());
root.Subcommands.Add(AuditCommand.Create());
root.Subcommands.Add(PromoteCommand.Create());
root.Subcommands.Add(PolicyCommand.Create());
root.Subcommands.Add(RetentionCommand.Create());
foreach (var command in ClientCommands.All()) root.Subcommands.Add(command);
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (InvalidOperationException e) when (e.Message.StartsWith("configuration:", StringComparison.Ordinal))
{
    // A configuration mistake is the operator's to fix: say what, without a stack trace.
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}

using System.CommandLine;
using Wharf.Cli;

var root = new RootCommand("Wharf: an OCI registry for machine-learning models and the containers that serve them.");
root.Subcommands.Add(ServeCommand.Create());
foreach (var command in ClientCommands.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();

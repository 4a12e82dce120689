using System.CommandLine;
using Wharf.Cli;

var root = new RootCommand("Wharf: an OCI registry for machine-learning models and the containers that serve them.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(PromoteCommand.Create());
root.Subcommands.Add(PolicyCommand.Create());
root.Subcommands.Add(RetentionCommand.Create());
return await root.Parse(args).InvokeAsync();

using System.CommandLine;

namespace Wharf.Cli;

/// <summary>The commands that talk to a registry as a client (one file each).</summary>
internal static class ClientCommands
{
    public static IEnumerable<Command> All() =>
    [
        PushCommand.Create(),
        PullCommand.Create(),
        InspectCommand.Create(),
        LsCommand.Create(),
        TagCommand.Create(),
        HistoryCommand.Create(),
        DiffCommand.Create(),
        AttachCommand.Create(),
    ];
}

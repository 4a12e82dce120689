using System.CommandLine;
using Wharf.Core.Access;

namespace Wharf.Cli;

/// <summary><c>wharf namespace create|public|private|grant|revoke|list</c>, on the data directory.</summary>
internal static class NamespaceCommand
{
    public static Command Create()
    {
        var command = new Command("namespace", "Manage namespaces and their members (on the data directory)");
        var name = new Argument<string>("name");
        var user = new Argument<string>("user");
        var role = new Argument<string>("role") { Description = "reader, writer, maintainer or admin" };
        var isPublic = new Option<bool>("--public") { Description = "anyone, signed in or not, may pull" };

        command.Subcommands.Add(Sub("create", "Create a namespace (private unless --public)", [name, isPublic],
            (r, c, ct) => c.Admin.CreateNamespaceAsync(r.GetValue(name)!, r.GetValue(isPublic), AdminContext.Actor, AdminContext.Address, ct)));
        command.Subcommands.Add(Sub("public", "Let anyone pull from the namespace", [name],
            (r, c, ct) => c.Admin.SetPublicAsync(r.GetValue(name)!, true, AdminContext.Actor, AdminContext.Address, ct)));
        command.Subcommands.Add(Sub("private", "Only members may pull from the namespace", [name],
            (r, c, ct) => c.Admin.SetPublicAsync(r.GetValue(name)!, false, AdminContext.Actor, AdminContext.Address, ct)));
        command.Subcommands.Add(Sub("grant", "Give a user a role in the namespace", [name, user, role],
            (r, c, ct) => c.Admin.GrantAsync(r.GetValue(name)!, r.GetValue(user)!, r.GetValue(role)!, AdminContext.Actor, AdminContext.Address, ct)));
        command.Subcommands.Add(Sub("revoke", "Take a user's role in the namespace away", [name, user],
            (r, c, ct) => c.Admin.RevokeAsync(r.GetValue(name)!, r.GetValue(user)!, AdminContext.Actor, AdminContext.Address, ct)));
        command.Subcommands.Add(List());
        return command;
    }

    private static Command Sub(string verb, string description, Symbol[] symbols,
        Func<ParseResult, AdminContext, CancellationToken, Task<Server.Auth.AdminOutcome>> change)
    {
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command(verb, description) { config, data };
        foreach (var symbol in symbols)
        {
            if (symbol is Argument argument) command.Arguments.Add(argument);
            else if (symbol is Option option) command.Options.Add(option);
        }
        command.SetAction(async (result, ct) =>
        {
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            return AdminContext.Report(await change(result, context, ct));
        });
        return command;
    }

    private static Command List()
    {
        var name = new Argument<string?>("name") { Description = "list this namespace's members instead", Arity = ArgumentArity.ZeroOrOne };
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command("list", "List namespaces, or one namespace's members") { name, config, data };
        command.SetAction(async (result, ct) =>
        {
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            if (result.GetValue(name) is { } ns)
            {
                if (await context.Store.GetNamespaceAsync(ns, ct) is null)
                {
                    Console.Error.WriteLine($"error: no namespace '{ns}'");
                    return 1;
                }
                foreach (var member in await context.Store.ListMembersAsync(ns, ct)) Console.WriteLine($"{member.User}\t{Roles.Wire(member.Role)}");
                return 0;
            }
            foreach (var record in await context.Store.ListNamespacesAsync(ct))
                Console.WriteLine($"{record.Name}\t{(record.IsPublic ? "public" : "private")}");
            return 0;
        });
        return command;
    }
}

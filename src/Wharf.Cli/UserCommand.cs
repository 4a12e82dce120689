using System.CommandLine;

namespace Wharf.Cli;

/// <summary><c>wharf user add|list|passwd|remove</c>, on the data directory (works with the server stopped).</summary>
internal static class UserCommand
{
    public static Command Create()
    {
        var command = new Command("user", "Manage users (on the data directory; the first administrator is made here)");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Passwd());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name");
        var admin = new Option<bool>("--admin") { Description = "a registry administrator (all repositories, users and tokens)" };
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command("add", "Add a user; the password is read from standard input or a prompt") { name, admin, config, data };
        command.SetAction(async (result, ct) =>
        {
            var password = PasswordPrompt.Read("Password: ", confirm: true);
            if (password is null) return 1;
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            return AdminContext.Report(await context.Admin.AddUserAsync(result.GetValue(name)!, password, result.GetValue(admin),
                AdminContext.Actor, AdminContext.Address, ct));
        });
        return command;
    }

    private static Command List()
    {
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command("list", "List users") { config, data };
        command.SetAction(async (result, ct) =>
        {
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            foreach (var user in await context.Store.ListUsersAsync(ct))
            {
                var roles = await context.Store.ListMembershipsAsync(user.Name, ct);
                var memberOf = string.Join(", ", roles.Select(r => $"{r.Namespace}:{Core.Access.Roles.Wire(r.Role)}"));
                Console.WriteLine($"{user.Name}\t{(user.IsAdmin ? "admin" : "-")}\t{memberOf}");
            }
            return 0;
        });
        return command;
    }

    private static Command Passwd()
    {
        var name = new Argument<string>("name");
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command("passwd", "Set a user's password (read from standard input or a prompt)") { name, config, data };
        command.SetAction(async (result, ct) =>
        {
            var password = PasswordPrompt.Read("New password: ", confirm: true);
            if (password is null) return 1;
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            return AdminContext.Report(await context.Admin.SetPasswordAsync(result.GetValue(name)!, password, AdminContext.Actor, AdminContext.Address, ct));
        });
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name");
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command("remove", "Remove a user with their memberships") { name, config, data };
        command.SetAction(async (result, ct) =>
        {
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            return AdminContext.Report(await context.Admin.RemoveUserAsync(result.GetValue(name)!, AdminContext.Actor, AdminContext.Address, ct));
        });
        return command;
    }
}

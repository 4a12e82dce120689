using System.CommandLine;

namespace Wharf.Cli;

/// <summary><c>wharf token create|list|revoke</c>: robot accounts for CI, on the data directory.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var command = new Command("token", "Manage robot tokens for CI (on the data directory)");
        command.Subcommands.Add(New());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Revoke());
        return command;
    }

    private static Command New()
    {
        var name = new Argument<string>("name") { Description = "the robot's name, also its user name at login" };
        var grant = new Option<string[]>("--grant") { Description = "TARGET:ACTIONS, e.g. team:pull,push or team/model:pull (repeatable)", Required = true, AllowMultipleArgumentsPerToken = false };
        var days = new Option<double?>("--expires-in-days") { Description = "days until the token stops working (default: never)" };
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command("create", "Create a robot token; its secret is printed once") { name, grant, days, config, data };
        command.SetAction(async (result, ct) =>
        {
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            var lifetime = result.GetValue(days) is { } d ? TimeSpan.FromDays(d) : (TimeSpan?)null;
            var (outcome, robot) = await context.Admin.CreateRobotAsync(result.GetValue(name)!, result.GetValue(grant) ?? [], lifetime,
                AdminContext.Actor, AdminContext.Address, ct);
            if (robot is null) return AdminContext.Report(outcome);
            Console.Error.WriteLine($"{outcome.Message}; log in as '{robot.Robot.Name}' with this secret. It is shown now and never again:");
            Console.WriteLine(robot.Secret);
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command("list", "List robot tokens (never their secrets)") { config, data };
        command.SetAction(async (result, ct) =>
        {
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            var now = DateTimeOffset.UtcNow;
            foreach (var robot in await context.Store.ListRobotsAsync(ct))
            {
                var state = robot.RevokedAt is not null ? $"revoked {robot.RevokedAt:u}"
                    : robot.ExpiresAt is { } e ? (e <= now ? $"expired {e:u}" : $"expires {e:u}") : "active";
                Console.WriteLine($"{robot.Name}\t{Core.Access.RobotGrant.FormatList(robot.Grants)}\t{state}\tby {robot.CreatedBy}");
            }
            return 0;
        });
        return command;
    }

    private static Command Revoke()
    {
        var name = new Argument<string>("name");
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command("revoke", "Revoke a robot token: it stops working at once") { name, config, data };
        command.SetAction(async (result, ct) =>
        {
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            return AdminContext.Report(await context.Admin.RevokeRobotAsync(result.GetValue(name)!, AdminContext.Actor, AdminContext.Address, ct));
        });
        return command;
    }
}

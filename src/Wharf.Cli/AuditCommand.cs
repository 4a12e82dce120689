using System.CommandLine;
using System.Globalization;

namespace Wharf.Cli;

/// <summary><c>wharf audit</c>: the audit log, newest first, from the data directory.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var limit = new Option<int>("--limit") { Description = "rows to show (default 50)", DefaultValueFactory = _ => 50 };
        var before = new Option<long?>("--before") { Description = "show rows older than this id (paging)" };
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command("audit", "Show the audit log: logins, pushes, deletes, tag moves, permission changes") { limit, before, config, data };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(limit) < 1 || result.GetValue(before) is < 1)
            {
                Console.Error.WriteLine("error: --limit and --before must be positive");
                return 2;
            }
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            foreach (var e in await context.Store.ListAuditAsync(result.GetValue(before), result.GetValue(limit), ct))
            {
                Console.WriteLine(string.Join('\t',
                    e.Id.ToString(CultureInfo.InvariantCulture), e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    e.Allowed ? "allowed" : "DENIED", e.Subject, e.Action, e.Repository ?? "-", e.Digest ?? "-", e.Address ?? "-", e.Detail ?? ""));
            }
            return 0;
        });
        return command;
    }
}

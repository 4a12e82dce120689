using System.CommandLine;
using System.Globalization;
using Wharf.Core.Access;

namespace Wharf.Cli;

/// <summary><c>wharf audit</c>: the audit log, newest first, from the data directory, with a header and filters.</summary>
internal static class AuditCommand
{
    // Rows read per round trip when filters drop rows: the store pages by id, the filters apply here.
    private const int Page = 500;

    public static Command Create()
    {
        var limit = new Option<int>("--limit") { Description = "rows to show (default 50)", DefaultValueFactory = _ => 50 };
        var before = new Option<long?>("--before") { Description = "show rows older than this id (paging)" };
        var actor = new Option<string?>("--actor") { Description = "only this subject, e.g. user:alice, robot:ci, anonymous (a bare name matches user: and robot:)" };
        var action = new Option<string?>("--action") { Description = "only this action, e.g. login, push, pull, delete" };
        var repository = new Option<string?>("--repository") { Description = "only this repository (or NAMESPACE/ for a whole namespace)" };
        var since = new Option<string?>("--since") { Description = "only rows at or after this time: RFC 3339 (2026-12-01T10:00:00Z), a date, or an age like 2h, 7d" };
        var (config, data) = (AdminContext.ConfigOption(), AdminContext.DataOption());
        var command = new Command("audit", "Show the audit log: logins, pushes, deletes, tag moves, permission changes")
        {
            limit, before, actor, action, repository, since, config, data,
        };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(limit) < 1 || result.GetValue(before) is < 1)
            {
                Console.Error.WriteLine("error: --limit and --before must be positive");
                return 2;
            }
            DateTimeOffset? from = null;
            if (result.GetValue(since) is { } text && (from = Since(text)) is null)
            {
                Console.Error.WriteLine($"error: --since '{text}' is neither a time (2026-12-01T10:00:00Z, 2026-12-01) nor an age (30m, 2h, 7d)");
                return 2;
            }
            var match = Filter(result.GetValue(actor), result.GetValue(action), result.GetValue(repository));
            await using var context = await AdminContext.OpenAsync(result, config, data, ct);
            Console.WriteLine(string.Join('\t', "ID", "TIME", "RESULT", "ACTOR", "ACTION", "REPOSITORY", "DIGEST", "ADDRESS", "DETAIL"));
            int shown = 0;
            long? cursor = result.GetValue(before);
            while (shown < result.GetValue(limit))
            {
                var rows = await context.Store.ListAuditAsync(cursor, Page, ct);
                foreach (var e in rows)
                {
                    if (from is { } f && e.At < f) return 0; // newest first: everything further is older
                    if (!match(e)) continue;
                    Console.WriteLine(string.Join('\t',
                        e.Id.ToString(CultureInfo.InvariantCulture), e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                        e.Allowed ? "allowed" : "DENIED", e.Subject, e.Action, e.Repository ?? "-", e.Digest ?? "-", e.Address ?? "-", e.Detail ?? ""));
                    if (++shown == result.GetValue(limit)) return 0;
                }
                if (rows.Count < Page) break;
                cursor = rows[^1].Id;
            }
            return 0;
        });
        return command;
    }

    private static Func<AuditEntry, bool> Filter(string? actor, string? action, string? repository) => e =>
        (actor is null || e.Subject == actor || e.Subject == "user:" + actor || e.Subject == "robot:" + actor)
        && (action is null || string.Equals(e.Action, action, StringComparison.OrdinalIgnoreCase))
        && (repository is null || e.Repository == repository
            || (repository.EndsWith('/') && e.Repository?.StartsWith(repository, StringComparison.Ordinal) == true));

    private static DateTimeOffset? Since(string text)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        if (text.Length < 2 || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)) return null;
        TimeSpan? age = text[^1] switch
        {
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
        return age is { } a ? TimeProvider.System.GetUtcNow() - a : null;
    }
}

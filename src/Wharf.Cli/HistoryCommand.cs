using System.CommandLine;
using System.Text.Json;

namespace Wharf.Cli;

/// <summary>
/// <c>wharf history REF</c>: every move of a tag (old digest, new digest, when, who) from the server's
/// /api/v1 tag history. A registry without it (any plain OCI registry) can only tell where the tag points now,
/// and the command says so.
/// </summary>
internal static class HistoryCommand
{
    /// <summary>The server's tag history endpoint ({0} repository, {1} tag), docs/api/openapi.yaml tagHistory.</summary>
    internal const string HistoryPath = "api/v1/repositories/{0}/history?tag={1}";

    private const int MaxPages = 50;

    public static Command Create()
    {
        var reference = new Argument<string>("REF") { Description = "HOST[:PORT]/REPOSITORY:TAG" };
        var flags = new RegistryFlags();
        var json = new Option<bool>("--json") { Description = "Print the server's answer as JSON" };
        var command = new Command("history", "Show a tag's history: every manifest it pointed to, when and by whom") { reference, json };
        flags.AddTo(command);
        command.SetAction((result, ct) => CliRun.GuardAsync(async () =>
        {
            var target = CliRun.ParseReference(result.GetValue(reference)!);
            string tag = target.Tag ?? "latest";
            using var client = flags.CreateClient(result, target.Registry);
            string path = string.Format(System.Globalization.CultureInfo.InvariantCulture, HistoryPath, target.Repository, Uri.EscapeDataString(tag));
            var moves = new List<JsonElement>();
            var pages = new List<JsonDocument>();
            try
            {
                // Follows the "next" cursor page by page (newest first).
                for (string? page = path; page is not null && pages.Count < MaxPages;)
                {
                    var history = await client.GetApiJsonAsync(page, target.Repository, ct);
                    if (history is null) break;
                    pages.Add(history);
                    moves.AddRange(Items(history.RootElement));
                    page = history.RootElement.ValueKind == JsonValueKind.Object && history.RootElement.TryGetProperty("next", out var next)
                        && next.ValueKind == JsonValueKind.String && next.GetString() is { Length: > 0 } cursor
                        ? $"{path}&cursor={Uri.EscapeDataString(cursor)}" : null;
                }
                if (pages.Count > 0)
                {
                    if (result.GetValue(json))
                    {
                        Console.WriteLine(JsonSerializer.Serialize(new { repository = target.Repository, tag, moves }, new JsonSerializerOptions { WriteIndented = true }));
                        return 0;
                    }
                    Console.WriteLine($"{target.Registry}/{target.Repository}:{tag}: {moves.Count} moves, newest first");
                    foreach (var item in moves) Console.WriteLine("  " + Line(item));
                    return 0;
                }
            }
            finally
            {
                foreach (var page in pages) page.Dispose();
            }

            var now = await client.HeadManifestAsync(target.Repository, tag, ct);
            Console.WriteLine($"{target.Registry} has no tag history API (/{path}); "
                + "the OCI API only tells where the tag points now:");
            Console.WriteLine(now is null ? $"  {tag}: not present" : $"  {tag} → {now.Digest}");
            return 0;
        }));
        return command;
    }

    private static List<JsonElement> Items(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array) return root.EnumerateArray().ToList();
        foreach (string name in new[] { "items", "history", "moves", "entries" })
        {
            if (root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array) return list.EnumerateArray().ToList();
        }
        return [root];
    }

    /// <summary>when, who, old → new, from whatever fields the server's entry has.</summary>
    private static string Line(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) return item.ToString();
        string Field(params string[] names)
        {
            foreach (string n in names)
            {
                if (item.TryGetProperty(n, out var v) && v.ValueKind != JsonValueKind.Null) return v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
            }
            return "";
        }
        string when = Field("at", "when", "time", "timestamp", "movedAt", "createdAt");
        string who = Field("by", "who", "actor", "user", "subject");
        string from = Field("oldDigest", "old", "from", "previousDigest");
        string to = Field("newDigest", "new", "to", "digest");
        return $"{when,-25} {(from.Length == 0 ? "(new)" : from)} → {(to.Length == 0 ? "(deleted)" : to)}{(who.Length == 0 ? "" : "  by " + who)}";
    }
}

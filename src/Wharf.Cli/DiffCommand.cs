using System.CommandLine;
using System.Text.Json;
using Wharf.Client.ModelPack;

namespace Wharf.Cli;

/// <summary><c>wharf diff REF1 REF2</c>: files added/removed/changed and config/annotation fields that changed.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var first = new Argument<string>("REF1") { Description = "The older version" };
        var second = new Argument<string>("REF2") { Description = "The newer version (HOST/REPO:TAG, or just :TAG / @DIGEST for the same repository)" };
        var flags = new RegistryFlags();
        var json = new Option<bool>("--json") { Description = "Print as JSON" };
        var command = new Command("diff", "Compare two versions: files, config fields and annotations") { first, second, json };
        flags.AddTo(command);
        command.SetAction((result, ct) => CliRun.GuardAsync(async () =>
        {
            var a = CliRun.ParseReference(result.GetValue(first)!);
            string text = result.GetValue(second)!;
            var b = text.StartsWith(':') || text.StartsWith('@') ? CliRun.ParseReference($"{a.Registry}/{a.Repository}{text}") : CliRun.ParseReference(text);
            using var clientA = flags.CreateClient(result, a.Registry);
            using var clientB = b.Registry == a.Registry ? null : flags.CreateClient(result, b.Registry);
            var before = await ArtifactSummary.ReadAsync(clientA, a, ct);
            var after = await ArtifactSummary.ReadAsync(clientB ?? clientA, b, ct);
            var diff = ArtifactDiff.Compute(before, after);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["from"] = new { reference = before.Reference, digest = before.Digest.ToString() },
                    ["to"] = new { reference = after.Reference, digest = after.Digest.ToString() },
                    ["files"] = diff.Files.Select(f => new
                    {
                        change = f.Kind.ToString().ToLowerInvariant(), path = f.Path,
                        before = f.Before?.Digest.ToString(), after = f.After?.Digest.ToString(),
                        sizeBefore = f.Before?.Size, sizeAfter = f.After?.Size,
                    }),
                    ["unchangedFiles"] = diff.Unchanged,
                    ["config"] = Fields(diff.Config),
                    ["annotations"] = Fields(diff.Annotations),
                }, new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            Console.WriteLine($"--- {before.Reference} ({CliRun.Short(before.Digest)})");
            Console.WriteLine($"+++ {after.Reference} ({CliRun.Short(after.Digest)})");
            if (before.Digest == after.Digest) Console.WriteLine("same manifest: nothing changed");
            Console.WriteLine($"files: {Count(diff.Files, ChangeKind.Added)} added, {Count(diff.Files, ChangeKind.Removed)} removed, "
                + $"{Count(diff.Files, ChangeKind.Changed)} changed, {diff.Unchanged} unchanged");
            foreach (var f in diff.Files)
            {
                string detail = f.Kind switch
                {
                    ChangeKind.Added => CliRun.Bytes(f.After!.Size),
                    ChangeKind.Removed => CliRun.Bytes(f.Before!.Size),
                    _ => $"{CliRun.Bytes(f.Before!.Size)} → {CliRun.Bytes(f.After!.Size)}, {CliRun.Short(f.Before.Digest)} → {CliRun.Short(f.After.Digest)}",
                };
                Console.WriteLine($"  {Sign(f.Kind)} {f.Path} ({detail})");
            }
            Print("config", diff.Config);
            Print("annotations", diff.Annotations);
            return 0;
        }));
        return command;
    }

    private static int Count(IEnumerable<FileChange> files, ChangeKind kind) => files.Count(f => f.Kind == kind);

    private static char Sign(ChangeKind kind) => kind switch { ChangeKind.Added => '+', ChangeKind.Removed => '-', _ => '~' };

    private static object Fields(IEnumerable<FieldChange> changes) =>
        changes.Select(c => new { change = c.Kind.ToString().ToLowerInvariant(), key = c.Key, before = c.Before, after = c.After });

    private static void Print(string title, IReadOnlyList<FieldChange> changes)
    {
        if (changes.Count == 0) return;
        Console.WriteLine($"{title}:");
        foreach (var c in changes)
        {
            Console.WriteLine(c.Kind switch
            {
                ChangeKind.Added => $"  + {c.Key} = {c.After}",
                ChangeKind.Removed => $"  - {c.Key} = {c.Before}",
                _ => $"  ~ {c.Key}: {c.Before} → {c.After}",
            });
        }
    }
}

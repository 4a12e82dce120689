using System.CommandLine;
using System.Text.Json;
using Wharf.Contracts.Api;

namespace Wharf.Cli;

/// <summary><c>wharf retention run [--dry-run] REGISTRY/REPO</c>: applies the retention rules now, or lists what they would delete.</summary>
internal static class RetentionCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("TARGET") { Description = "REGISTRY/REPOSITORY, or REGISTRY/NAMESPACE with --namespace" };
        var isNamespace = new Option<bool>("--namespace") { Description = "run for every repository of the namespace TARGET" };
        var dryRun = new Option<bool>("--dry-run") { Description = "list what would be deleted, delete nothing" };
        var plainHttp = PolicyCommandSupport.PlainHttpOption();
        var run = new Command("run", "Apply the retention rules of the policy") { target, isNamespace, dryRun, plainHttp };
        run.SetAction(async (result, ct) =>
        {
            var parsed = PolicyCommandSupport.Parse(result.GetValue(target)!, result.GetValue(plainHttp), allowReference: false, out var problem);
            if (parsed is null) return await PolicyCommandSupport.FailAsync(problem!);
            bool dry = result.GetValue(dryRun);
            string scope = result.GetValue(isNamespace) ? "namespaces" : "repositories";
            var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/{scope}/{parsed.Name}/retention?dryRun={(dry ? "true" : "false")}");
            return await PolicyCommandSupport.SendAsync(parsed.Registry, request, async response =>
            {
                var answer = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(ct), PolicyApiJson.Default.RetentionResponse, ct);
                foreach (var item in answer!.Deletions)
                {
                    string what = item.Action == "deleteTag" ? $"tag {item.Tags[0]} (keeps {item.Digest})" : $"manifest {item.Digest} [{string.Join(", ", item.Tags)}]";
                    string verb = dry ? "would delete" : item.Deleted ? "deleted" : "skipped (changed since planning)";
                    Console.WriteLine($"{item.Repository}: {verb} {what}: {item.Reason}");
                }
                Console.WriteLine($"{answer.Deletions.Count} deletion(s){(dry ? " planned (dry run)" : "")} in {answer.Repositories.Count} repository(ies)");
                return 0;
            }, ct);
        });
        var command = new Command("retention", "Retention rules: keep the last N versions, drop old untagged manifests");
        command.Subcommands.Add(run);
        return command;
    }
}

using System.CommandLine;
using System.Text.Json;
using Wharf.Contracts.Api;
using Wharf.Core.Policy;

namespace Wharf.Cli;

/// <summary>
/// <c>wharf policy get|set REGISTRY/NAME [--namespace]</c>: reads or replaces the versioning policy of a repository
/// (or, with --namespace, of the namespace NAME).
/// </summary>
internal static class PolicyCommand
{
    public static Command Create()
    {
        var command = new Command("policy", "Read or set the versioning policy of a repository or namespace");
        command.Subcommands.Add(Get());
        command.Subcommands.Add(Set());
        return command;
    }

    private static Command Get()
    {
        var (target, isNamespace, plainHttp) = Common();
        var command = new Command("get", "Print the policy (and, for a repository, the one in force with its namespace's)") { target, isNamespace, plainHttp };
        command.SetAction(async (result, ct) =>
        {
            var parsed = PolicyCommandSupport.Parse(result.GetValue(target)!, result.GetValue(plainHttp), allowReference: false, out var problem);
            if (parsed is null) return await PolicyCommandSupport.FailAsync(problem!);
            var request = new HttpRequestMessage(HttpMethod.Get, Path(parsed, result.GetValue(isNamespace)));
            return await PolicyCommandSupport.SendAsync(parsed.Registry, request, response => PrintAsync(response, ct), ct);
        });
        return command;
    }

    private static Command Set()
    {
        var (target, isNamespace, plainHttp) = Common();
        var file = new Option<FileInfo?>("--file") { Description = "policy JSON file ('-' is not supported; use --json for inline text)" };
        var json = new Option<string?>("--json") { Description = "policy JSON, e.g. {\"immutableTags\":[\"v*\"],\"aliases\":[\"production\"]}" };
        var command = new Command("set", "Replace the policy with a JSON document") { target, isNamespace, plainHttp, file, json };
        command.SetAction(async (result, ct) =>
        {
            var parsed = PolicyCommandSupport.Parse(result.GetValue(target)!, result.GetValue(plainHttp), allowReference: false, out var problem);
            if (parsed is null) return await PolicyCommandSupport.FailAsync(problem!);
            string? text = result.GetValue(json);
            if (result.GetValue(file) is { } f)
            {
                if (text is not null) return await PolicyCommandSupport.FailAsync("give --file or --json, not both");
                if (!f.Exists) return await PolicyCommandSupport.FailAsync($"{f.FullName} does not exist");
                text = await File.ReadAllTextAsync(f.FullName, ct);
            }
            if (text is null) return await PolicyCommandSupport.FailAsync("give the policy with --file or --json");
            var request = new HttpRequestMessage(HttpMethod.Put, Path(parsed, result.GetValue(isNamespace))) { Content = PolicyCommandSupport.Json(text) };
            return await PolicyCommandSupport.SendAsync(parsed.Registry, request, response => PrintAsync(response, ct), ct);
        });
        return command;
    }

    private static (Argument<string> Target, Option<bool> Namespace, Option<bool> PlainHttp) Common() => (
        new Argument<string>("TARGET") { Description = "REGISTRY/REPOSITORY, or REGISTRY/NAMESPACE with --namespace" },
        new Option<bool>("--namespace") { Description = "TARGET names a namespace, not a repository" },
        PolicyCommandSupport.PlainHttpOption());

    private static string Path(PolicyTarget target, bool isNamespace) =>
        isNamespace ? $"api/v1/namespaces/{target.Name}/policy" : $"api/v1/repositories/{target.Name}/policy";

    private static async Task<int> PrintAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var policy = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(ct), PolicyApiJson.Default.PolicyResponse, ct);
        Console.WriteLine($"{policy!.Scope} {policy.Name}: {PolicyJson.Serialize(policy.Policy)}");
        if (policy.Effective is { } effective) Console.WriteLine($"in force: {PolicyJson.Serialize(effective)}");
        return 0;
    }
}

using System.CommandLine;
using System.Text.Json;
using Wharf.Contracts.Api;

namespace Wharf.Cli;

/// <summary><c>wharf promote REGISTRY/REPO:TAG ALIAS --reason WHY</c>: moves an alias through the promote endpoint.</summary>
internal static class PromoteCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("REF") { Description = "what to promote: REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@DIGEST" };
        var alias = new Argument<string>("ALIAS") { Description = "the alias to move, such as staging or production" };
        var reason = new Option<string>("--reason") { Description = "why (recorded with who promoted and when)", Required = true };
        var plainHttp = PolicyCommandSupport.PlainHttpOption();
        var command = new Command("promote", "Point an alias at a version, recording who, when and why") { reference, alias, reason, plainHttp };
        command.SetAction(async (result, ct) =>
        {
            var target = PolicyCommandSupport.Parse(result.GetValue(reference)!, result.GetValue(plainHttp), allowReference: true, out var problem);
            if (target is null) return await PolicyCommandSupport.FailAsync(problem!);
            if (target.Reference is null) return await PolicyCommandSupport.FailAsync("REF needs a tag or digest, as in localhost:5000/team/model:v1.2.0");
            var body = JsonSerializer.Serialize(new PromoteBody(result.GetValue(alias), target.Reference, result.GetValue(reason)), PolicyApiJson.Default.PromoteBody);
            var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/repositories/{target.Name}/promote") { Content = PolicyCommandSupport.Json(body) };
            return await PolicyCommandSupport.SendAsync(target.Registry, request, async response =>
            {
                var promoted = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(ct), PolicyApiJson.Default.PromoteResponse, ct);
                Console.WriteLine(promoted!.Promotion is { } p
                    ? $"promoted {target.Name}:{p.Alias} to {p.To} (was {p.From ?? "unset"}) by {p.Actor}: {p.Reason}"
                    : $"{target.Name}:{promoted.Alias} already points at {promoted.To}; nothing changed");
                return 0;
            }, ct);
        });
        return command;
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Contracts.Api;
using Wharf.Core;
using Wharf.Core.Policy;
using Wharf.Server.Api;

namespace Wharf.Server.Policy;

/// <summary>POST …/retention[?dryRun=true]: runs a repository's or a namespace's retention rules now.</summary>
internal static class PolicyRetentionHandlers
{
    public static async Task RunAsync(HttpContext context, PolicyScope scope)
    {
        if (PolicyService.ScopeProblem(scope) is { } bad)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, bad);
            return;
        }
        bool dryRun = false;
        if (context.Request.Query["dryRun"] is { Count: > 0 } text && !bool.TryParse(text, out dryRun))
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, $"dryRun '{text}' must be true or false");
            return;
        }
        if (!await PolicyAccess.RequireAsync(context, scope, dryRun ? PolicyRole.Reader : PolicyRole.Admin)) return;

        var ct = context.RequestAborted;
        var retention = context.RequestServices.GetRequiredService<RetentionService>();
        IReadOnlyList<string> repositories;
        if (scope.Kind == PolicyScopeKind.Repository)
        {
            if (!await context.RequestServices.GetRequiredService<IMetadataStore>().RepositoryExistsAsync(scope.Name, ct))
            {
                await ApiErrors.WriteAsync(context, ApiErrorCode.NotFound, $"repository {scope.Name} is not known to the registry");
                return;
            }
            repositories = [scope.Name];
        }
        else repositories = await retention.RepositoriesAsync(scope.Name, ct);

        var items = new List<RetentionItem>();
        string actor = await PolicyAccess.SubjectAsync(context);
        foreach (var repository in repositories)
        {
            foreach (var result in await retention.RunAsync(repository, dryRun, actor, ct))
            {
                var d = result.Deletion;
                items.Add(new RetentionItem(repository, d.Action == RetentionAction.DeleteTag ? "deleteTag" : "deleteManifest",
                    d.Digest.ToString(), d.Tags, d.Reason, result.Deleted));
            }
        }
        await PolicyApi.WriteJsonAsync(context, new RetentionResponse(dryRun, repositories, items), PolicyApiJson.Default.RetentionResponse);
    }
}

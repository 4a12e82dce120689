using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Contracts.Api;
using Wharf.Core;
using Wharf.Core.Policy;
using Wharf.Server.Api;
using Wharf.Server.Http;

namespace Wharf.Server.Policy;

/// <summary>POST …/promote moves an alias; GET …/promotions lists who moved which alias, when and why.</summary>
internal static class PolicyPromotionHandlers
{
    private const int MaxBodyBytes = 16 * 1024;

    public static async Task PromoteAsync(HttpContext context, PolicyScope scope)
    {
        if (PolicyService.ScopeProblem(scope) is { } bad)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, bad);
            return;
        }
        if (!await PolicyAccess.RequireAsync(context, scope, PolicyRole.Maintainer)) return;
        var body = await BoundedBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        PromoteBody? request = null;
        string? problem = body is null ? $"a promotion request is at most {MaxBodyBytes} bytes" : null;
        if (body is not null)
        {
            try
            {
                request = JsonSerializer.Deserialize(body, PolicyApiJson.Default.PromoteBody);
            }
            catch (JsonException e)
            {
                problem = "the body is not a promotion request {alias, target, reason}: " + e.Message;
            }
        }
        if (problem is null && (request?.Alias is null || request.Target is null || request.Reason is null))
            problem = "a promotion request needs alias, target (tag or digest) and reason";
        if (problem is not null)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, problem);
            return;
        }

        var promotions = context.RequestServices.GetRequiredService<PromotionService>();
        var result = await promotions.PromoteAsync(
            new PromotionRequest(scope.Name, request!.Alias!, request.Target!, request.Reason!, await PolicyAccess.ActorAsync(context),
                await PolicyAccess.SubjectAsync(context)), context.RequestAborted);
        if (!result.Ok)
        {
            await PolicyApi.WriteProblemAsync(context, result.Problem);
            return;
        }
        var record = result.Value.Record;
        var to = record?.To.ToString() ?? (await context.RequestServices.GetRequiredService<IMetadataStore>()
            .ResolveTagAsync(scope.Name, request.Alias!, context.RequestAborted))?.ToString() ?? "";
        await PolicyApi.WriteJsonAsync(context,
            new PromoteResponse(record is not null, request.Alias!, to, record is null ? null : PromotionView.Of(record)),
            PolicyApiJson.Default.PromoteResponse);
    }

    public static async Task HistoryAsync(HttpContext context, PolicyScope scope)
    {
        if (PolicyService.ScopeProblem(scope) is { } bad)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, bad);
            return;
        }
        if (!await PolicyAccess.RequireAsync(context, scope, PolicyRole.Reader)) return;
        var query = context.Request.Query;
        string? alias = query["alias"];
        if (alias is not null && !Reference.IsValidTag(alias))
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, $"alias '{alias}' is not a valid tag");
            return;
        }
        int limit = 100;
        if (query["limit"] is { Count: > 0 } text && (!int.TryParse(text, out limit) || limit is < 1 or > 1000))
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, $"limit '{text}' must be a number from 1 to 1000");
            return;
        }
        var records = await context.RequestServices.GetRequiredService<PromotionService>().HistoryAsync(scope.Name, alias, limit, context.RequestAborted);
        await PolicyApi.WriteJsonAsync(context, new PromotionsResponse(scope.Name, records.Select(PromotionView.Of).ToList()),
            PolicyApiJson.Default.PromotionsResponse);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Contracts.Api;
using Wharf.Core.Policy;
using Wharf.Server.Api;
using Wharf.Server.Http;

namespace Wharf.Server.Policy;

/// <summary>GET and PUT of a namespace's or repository's versioning policy.</summary>
internal static class PolicyHandlers
{
    private const int MaxPolicyBytes = 64 * 1024;

    public static async Task GetAsync(HttpContext context, PolicyScope scope)
    {
        if (PolicyService.ScopeProblem(scope) is { } bad)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, bad);
            return;
        }
        if (!await PolicyAccess.RequireAsync(context, scope, PolicyRole.Reader)) return;
        var policies = context.RequestServices.GetRequiredService<PolicyService>();
        var own = await policies.GetAsync(scope, context.RequestAborted) ?? VersioningPolicy.None;
        await WriteAsync(context, policies, scope, own);
    }

    public static async Task PutAsync(HttpContext context, PolicyScope scope)
    {
        if (PolicyService.ScopeProblem(scope) is { } bad)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, bad);
            return;
        }
        if (!await PolicyAccess.RequireAsync(context, scope, PolicyRole.Admin)) return;
        var body = await BoundedBody.ReadAsync(context.Request, MaxPolicyBytes, context.RequestAborted);
        if (body is null)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, $"a policy is at most {MaxPolicyBytes} bytes");
            return;
        }
        var policy = PolicyJson.Parse(body, out var problem);
        if (policy is null)
        {
            await ApiErrors.WriteAsync(context, ApiErrorCode.BadRequest, problem!);
            return;
        }
        var policies = context.RequestServices.GetRequiredService<PolicyService>();
        var stored = await policies.PutAsync(scope, policy, context.RequestAborted);
        if (!stored.Ok)
        {
            await PolicyApi.WriteProblemAsync(context, stored.Problem);
            return;
        }
        await WriteAsync(context, policies, scope, stored.Value);
    }

    private static async Task WriteAsync(HttpContext context, PolicyService policies, PolicyScope scope, VersioningPolicy own)
    {
        var effective = scope.Kind == PolicyScopeKind.Repository ? (await policies.EffectiveAsync(scope.Name, context.RequestAborted)).Policy : null;
        var kind = scope.Kind == PolicyScopeKind.Namespace ? "namespace" : "repository";
        await PolicyApi.WriteJsonAsync(context, new PolicyResponse(kind, scope.Name, own, effective), PolicyApiJson.Default.PolicyResponse);
    }
}

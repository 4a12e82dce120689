using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wharf.Core;

namespace Wharf.Server;

/// <summary>
/// Liveness (<c>/healthz</c>: the process serves) and readiness (<c>/readyz</c>: both stores answer). A load
/// balancer or Kubernetes sends traffic only to a ready replica and restarts only a dead one, so a database
/// outage takes replicas out of rotation without killing them.
/// </summary>
internal static partial class HealthEndpoints
{
    // A digest nobody stores: asking for it exercises the blob store's read path without touching real data.
    private static readonly Digest Probe = Digest.Compute("wharf readiness probe"u8);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    public static void MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", ReadyAsync);
    }

    private static async Task ReadyAsync(HttpContext context)
    {
        var services = context.RequestServices;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(Budget);
        context.Response.ContentType = "text/plain; charset=utf-8";
        string component = "metadata";
        try
        {
            await services.GetRequiredService<IMetadataStore>().ListRepositoriesAsync(null, 1, timeout.Token);
            component = "storage";
            await services.GetRequiredService<IBlobStore>().StatAsync(Probe, timeout.Token);
            await context.Response.WriteAsync("ready", context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogNotReady(services.GetRequiredService<ILoggerFactory>().CreateLogger("Wharf.Health"), component, e.Message);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync($"not ready: the {component} store does not answer", context.RequestAborted);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "not ready: the {Component} store failed: {Reason}")]
    private static partial void LogNotReady(ILogger logger, string component, string reason);
}

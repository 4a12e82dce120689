using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wharf.Core;
using Wharf.Core.Registry;

namespace Wharf.Server.Jobs;

/// <summary>
/// Expires upload sessions idle for longer than Uploads:IdleTimeout and removes their bytes. Driven from the
/// session rows in the metadata store, so a restart loses nothing and any replica can do it.
/// </summary>
public sealed partial class UploadExpiryJob(
    IMetadataStore metadata,
    UploadService uploads,
    WharfSettings settings,
    TimeProvider time,
    ILogger<UploadExpiryJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.UploadExpiryInterval, time);
        do
        {
            try
            {
                await ExpireOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> ExpireOnceAsync(CancellationToken ct)
    {
        var before = time.GetUtcNow() - settings.Limits.UploadIdleTimeout;
        int expired = 0;
        IReadOnlyList<UploadSession> idle;
        int expiredInBatch;
        do
        {
            idle = await metadata.ListUploadsIdleSinceAsync(before, 100, ct);
            expiredInBatch = 0;
            foreach (var session in idle)
            {
                if (!await uploads.ExpireAsync(session.Id, ct)) continue; // receiving right now on this node
                LogExpired(session.Id, session.Repository, session.UpdatedAt);
                expiredInBatch++;
            }
            expired += expiredInBatch;
        }
        // A full batch may hide more; a batch where nothing could expire would only come back the same.
        while (idle.Count == 100 && expiredInBatch > 0);
        return expired;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "expired upload session {UploadId} of {Repository}, idle since {UpdatedAt}")]
    private partial void LogExpired(string uploadId, string repository, DateTimeOffset updatedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "upload expiry failed")]
    private partial void LogFailed(Exception exception);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wharf.Core;
using Wharf.Core.Registry;
using Wharf.Server.Oci;

namespace Wharf.Server.Jobs;

/// <summary>
/// Expires upload sessions idle for longer than Uploads:IdleTimeout and removes their bytes. Driven from the
/// session rows in the metadata store, so a restart loses nothing and any replica can do it; the
/// <see cref="LeaseName"/> lease makes one replica at a time do it. The holder keeps the lease from sweep to
/// sweep, and when it stops, another replica takes over after at most two intervals.
/// </summary>
public sealed partial class UploadExpiryJob(
    IMetadataStore metadata,
    IJobLeases leases,
    UploadService uploads,
    UploadOptions options,
    RegistryLimits limits,
    TimeProvider time,
    ILogger<UploadExpiryJob> logger) : BackgroundService
{
    public const string LeaseName = "upload-expiry";

    private readonly string _holder = JobLeases.NewHolder();

    private TimeSpan LeaseTtl => options.ExpiryInterval * 2;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ExpiryInterval, time);
        try
        {
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
        finally
        {
            await ReleaseLeaseAsync();
        }
    }

    /// <summary>One sweep, when this replica holds (or can take) the lease; the number of sessions expired.</summary>
    public async Task<int> ExpireOnceAsync(CancellationToken ct)
    {
        if (!await leases.TryAcquireAsync(LeaseName, _holder, LeaseTtl, ct))
        {
            LogLeaseHeldElsewhere(LeaseName);
            return 0;
        }
        var before = time.GetUtcNow() - limits.UploadIdleTimeout;
        int expired = 0;
        IReadOnlyList<UploadSession> idle;
        int expiredInBatch;
        do
        {
            idle = await metadata.ListUploadsIdleSinceAsync(before, 100, ct);
            expiredInBatch = 0;
            foreach (var session in idle)
            {
                try
                {
                    if (!await uploads.ExpireAsync(session.Id, ct)) continue; // receiving right now on this node
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSessionFailed(e, session.Id); // one broken session must not stall the others
                    continue;
                }
                LogExpired(session.Id, session.Repository, session.UpdatedAt);
                expiredInBatch++;
            }
            expired += expiredInBatch;
        }
        // A full batch may hide more; a batch where nothing could expire would only come back the same. A long sweep
        // renews the lease between batches, and stops if it has passed to another replica meanwhile.
        while (idle.Count == 100 && expiredInBatch > 0 && await leases.RenewAsync(LeaseName, _holder, LeaseTtl, ct));
        return expired;
    }

    /// <summary>On shutdown, hands the lease on at once instead of making the other replicas wait out its ttl.</summary>
    private async Task ReleaseLeaseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await leases.ReleaseAsync(LeaseName, _holder, timeout.Token);
        }
        catch (Exception e)
        {
            LogReleaseFailed(e, LeaseName); // it expires on its own
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "another replica holds the {Lease} lease; not sweeping")]
    private partial void LogLeaseHeldElsewhere(string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not release the {Lease} lease")]
    private partial void LogReleaseFailed(Exception exception, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "expired upload session {UploadId} of {Repository}, idle since {UpdatedAt}")]
    private partial void LogExpired(string uploadId, string repository, DateTimeOffset updatedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not expire upload session {UploadId}")]
    private partial void LogSessionFailed(Exception exception, string uploadId);

    [LoggerMessage(Level = LogLevel.Error, Message = "upload expiry failed")]
    private partial void LogFailed(Exception exception);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wharf.Core;
using Wharf.Core.Policy;

namespace Wharf.Server.Policy;

/// <summary>
/// Applies every repository's retention rules once per Retention:Interval (first run one interval after start, so
/// a restart loop cannot turn into a deletion loop). Repositories without retention rules cost one policy read.
/// The <see cref="LeaseName"/> lease makes one replica at a time do it: two replicas deleting by the same rules
/// would race each other's deletes and double every audit and history row.
/// </summary>
public sealed partial class RetentionJob(
    RetentionService retention,
    IJobLeases leases,
    PolicyOptions options,
    TimeProvider time,
    ILogger<RetentionJob> logger) : BackgroundService
{
    public const string LeaseName = "retention";

    private readonly string _holder = JobLeases.NewHolder();

    /// <summary>The holder keeps the lease from pass to pass; when it stops, another replica takes over within two intervals.</summary>
    private TimeSpan LeaseTtl => options.RetentionInterval * 2;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RetentionInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(e);
                }
            }
        }
        finally
        {
            await ReleaseLeaseAsync();
        }
    }

    /// <summary>One pass over every repository, when this replica holds (or can take) the lease; how many manifests and tags it deleted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        if (!await leases.TryAcquireAsync(LeaseName, _holder, LeaseTtl, ct))
        {
            LogLeaseHeldElsewhere(LeaseName);
            return 0;
        }
        int deleted = 0;
        var renewAt = time.GetUtcNow() + options.RetentionInterval;
        foreach (var repository in await retention.RepositoriesAsync(null, ct))
        {
            // A pass longer than an interval renews as it goes, and stops where it is if the lease has passed on.
            if (time.GetUtcNow() >= renewAt)
            {
                if (!await leases.RenewAsync(LeaseName, _holder, LeaseTtl, ct)) break;
                renewAt = time.GetUtcNow() + options.RetentionInterval;
            }
            try
            {
                foreach (var result in await retention.RunAsync(repository, dryRun: false, ct))
                {
                    if (!result.Deleted) continue;
                    deleted++;
                    LogDeleted(repository, result.Deletion.Action, result.Deletion.Digest.ToString(), string.Join(",", result.Deletion.Tags), result.Deletion.Reason);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRepositoryFailed(e, repository); // one broken repository must not stop the others
            }
        }
        return deleted;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "retention in {Repository}: {Action} {Digest} (tags {Tags}): {Reason}")]
    private partial void LogDeleted(string repository, RetentionAction action, string digest, string tags, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "retention failed in {Repository}")]
    private partial void LogRepositoryFailed(Exception exception, string repository);

    [LoggerMessage(Level = LogLevel.Error, Message = "retention pass failed")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "another replica holds the {Lease} lease; skipping this pass")]
    private partial void LogLeaseHeldElsewhere(string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not release the {Lease} lease")]
    private partial void LogReleaseFailed(Exception exception, string lease);
}

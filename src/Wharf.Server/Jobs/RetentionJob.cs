using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wharf.Core.Policy;

namespace Wharf.Server.Jobs;

/// <summary>
/// Applies every repository's retention rules once per Retention:Interval (first run one interval after start, so
/// a restart loop cannot turn into a deletion loop). Repositories without retention rules cost one policy read.
/// </summary>
public sealed partial class RetentionJob(
    RetentionService retention,
    WharfSettings settings,
    TimeProvider time,
    ILogger<RetentionJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.RetentionInterval, time);
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

    /// <summary>One pass over every repository; returns how many manifests and tags it deleted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        int deleted = 0;
        foreach (var repository in await retention.RepositoriesAsync(null, ct))
        {
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

    [LoggerMessage(Level = LogLevel.Information, Message = "retention in {Repository}: {Action} {Digest} (tags {Tags}): {Reason}")]
    private partial void LogDeleted(string repository, RetentionAction action, string digest, string tags, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "retention failed in {Repository}")]
    private partial void LogRepositoryFailed(Exception exception, string repository);

    [LoggerMessage(Level = LogLevel.Error, Message = "retention pass failed")]
    private partial void LogFailed(Exception exception);
}

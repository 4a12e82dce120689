using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wharf.Core;
using Wharf.Core.Catalog;
using Wharf.Ml;

namespace Wharf.Server.Models;

/// <summary>
/// Drains the durable index queue: claims rows under a lease (so replicas share the work and never do one row
/// twice at once), indexes each manifest, and stores the result. A store failure is retried with backoff and,
/// after the last attempt, recorded as a failed version: the push itself is never touched.
/// </summary>
public sealed partial class ModelIndexJob(
    IModelCatalogStore catalog,
    IMetadataStore metadata,
    ModelIndexer indexer,
    ModelIndexOptions options,
    TimeProvider time,
    ILogger<ModelIndexJob> logger) : BackgroundService
{
    private readonly string _worker = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, time);
        do
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0) { }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Claims and indexes one batch; the number of rows handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var jobs = await catalog.ClaimAsync(_worker, options.BatchSize, now, now + options.Lease, ct);
        foreach (var job in jobs) await ProcessAsync(job, ct);
        return jobs.Count;
    }

    private async Task ProcessAsync(IndexJob job, CancellationToken ct)
    {
        ManifestRecord? manifest = null;
        try
        {
            manifest = await metadata.GetManifestAsync(job.Repository, job.Digest, ct);
            if (manifest is null)
            {
                await catalog.CompleteAsync(job, null, ct); // deleted since: nothing to index
                return;
            }
            var version = await indexer.IndexAsync(job.Repository, manifest, ct);
            var record = CatalogRecords.From(job.Repository, job.Digest, version, time.GetUtcNow());
            if (!await catalog.CompleteAsync(job, record, ct)) return;
            LogIndexed(job.Repository, job.Digest.ToString(), record.Kind, record.Status);
            // A card attached later changes its subject's card.
            if (manifest.Subject is { } subject && AttachmentKinds.Classify(manifest.ArtifactType, manifest.Annotations) == AttachmentKinds.Card)
                await catalog.EnqueueAsync(job.Repository, subject, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (job.Attempts >= options.MaxAttempts && manifest is not null)
            {
                LogGaveUp(e, job.Repository, job.Digest.ToString(), job.Attempts);
                await catalog.CompleteAsync(job, CatalogRecords.Failure(job.Repository, manifest, e.Message, time.GetUtcNow()), ct);
                return;
            }
            var delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, options.RetryDelay.Ticks * (1L << Math.Min(job.Attempts - 1, 20))));
            LogRetry(e, job.Repository, job.Digest.ToString(), job.Attempts, delay);
            await catalog.RetryAsync(job, e.Message, time.GetUtcNow() + delay, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "indexed {Repository}@{Digest}: {Kind}, {Status}")]
    private partial void LogIndexed(string repository, string digest, string kind, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "indexing {Repository}@{Digest} failed (attempt {Attempt}); retrying in {Delay}")]
    private partial void LogRetry(Exception exception, string repository, string digest, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "indexing {Repository}@{Digest} failed {Attempts} times; recorded as failed")]
    private partial void LogGaveUp(Exception exception, string repository, string digest, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "model index job failed")]
    private partial void LogFailed(Exception exception);
}

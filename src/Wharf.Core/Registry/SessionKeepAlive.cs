namespace Wharf.Core.Registry;

/// <summary>
/// Touches an upload session's row at an interval while a request body streams into it, so every replica's
/// expiry job sees a receiving session as active, however slow the client.
/// </summary>
internal sealed class SessionKeepAlive : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SessionKeepAlive(IMetadataStore metadata, TimeProvider time, string id, TimeSpan interval)
    {
        if (interval < TimeSpan.FromMilliseconds(10)) interval = TimeSpan.FromMilliseconds(10);
        _loop = RunAsync(metadata, time, id, interval, _stop.Token);
    }

    private static async Task RunAsync(IMetadataStore metadata, TimeProvider time, string id, TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) await metadata.TouchUploadAsync(id, time.GetUtcNow(), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the body ended
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}

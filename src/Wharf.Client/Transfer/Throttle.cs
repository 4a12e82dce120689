namespace Wharf.Client.Transfer;

/// <summary>
/// A bandwidth cap shared by every transfer of one client: after each read it waits until the bytes sent so far
/// fit the rate since the throttle started.
/// </summary>
internal sealed class Throttle(long bytesPerSecond, TimeProvider time)
{
    private readonly long _start = time.GetTimestamp();
    private long _bytes;

    public async ValueTask PassAsync(int count, CancellationToken ct)
    {
        long total = Interlocked.Add(ref _bytes, count);
        var due = TimeSpan.FromSeconds((double)total / bytesPerSecond);
        var elapsed = time.GetElapsedTime(_start);
        if (due > elapsed) await Task.Delay(due - elapsed, time, ct);
    }
}

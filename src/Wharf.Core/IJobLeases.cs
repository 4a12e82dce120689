namespace Wharf.Core;

/// <summary>
/// Named, time-limited leases in the shared metadata store, so a background job runs on one replica at a time
/// however many replicas run it. A lease is held by a <c>holder</c> (one per process) until it expires or is
/// released; a holder that stops renewing loses it to the next one that asks after <c>ttl</c>.
/// Expiry is judged by the store's <see cref="TimeProvider"/>; replicas' clocks need to agree to well within a ttl.
/// </summary>
public interface IJobLeases
{
    /// <summary>
    /// Takes the lease <paramref name="name"/> for <paramref name="ttl"/> from now when it is free, expired or
    /// already held by <paramref name="holder"/> (then it is extended). False when another holder has it.
    /// </summary>
    Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken ct);

    /// <summary>Extends a lease <paramref name="holder"/> still holds; false when it has passed to another holder.</summary>
    Task<bool> RenewAsync(string name, string holder, TimeSpan ttl, CancellationToken ct);

    /// <summary>Gives the lease up so another holder can take it at once; does nothing when another holds it.</summary>
    Task ReleaseAsync(string name, string holder, CancellationToken ct);
}

public static class JobLeases
{
    /// <summary>Checks the arguments every implementation shares.</summary>
    public static void Validate(string name, string holder, TimeSpan ttl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
    }

    /// <summary>A holder name unique to this process: host, process id and a random part (pids repeat across containers).</summary>
    public static string NewHolder() => $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"[..^24];
}

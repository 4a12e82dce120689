using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Wharf.Core.Access;

namespace Wharf.Server.Auth;

/// <summary>
/// Writes audit rows: who, what, which repository and digest, from where, when, allowed or not. A failure to
/// write one is logged, not thrown: the request it describes has already happened.
/// </summary>
public sealed partial class AuditLog(IAccessStore store, TimeProvider time, ILogger<AuditLog> log)
{
    public Task RecordAsync(HttpContext context, string subject, string action, string? repository, string? digest,
        string? detail, bool allowed) =>
        RecordAsync(subject, action, repository, digest, detail, Address(context), allowed);

    /// <summary>For changes made outside a request (the CLI on the data directory): <paramref name="address"/> says where.</summary>
    public async Task RecordAsync(string subject, string action, string? repository, string? digest, string? detail, string? address, bool allowed)
    {
        var entry = new AuditEntry(0, time.GetUtcNow(), subject, action, repository, digest, detail, address, allowed);
        try
        {
            await store.AppendAuditAsync(entry, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogAuditFailed(log, e, action, subject);
        }
    }

    /// <summary>The client's address: the connection's peer, or the address a trusted proxy forwarded (Http:TrustedProxies).</summary>
    public static string? Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    [LoggerMessage(Level = LogLevel.Error, Message = "could not write the audit row for {Action} by {Subject}")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string action, string subject);
}

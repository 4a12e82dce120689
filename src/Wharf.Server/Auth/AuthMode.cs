using Wharf.Core.Access;

namespace Wharf.Server.Auth;

/// <summary>
/// Whether access control is on: from the moment the registry has a user, for good. A registry without users
/// is open (and listens on loopback unless told otherwise, see <see cref="AuthSetup"/>).
/// </summary>
public sealed class AuthMode(IAccessStore store, TimeProvider time)
{
    /// <summary>
    /// How long an open registry trusts its last look at the user table. Asking on every request cost every
    /// request a database round trip (on PostgreSQL, a third of a manifest GET's); a user added with
    /// <c>wharf user add</c> or on another replica now counts within this long, one added through this node's
    /// admin API at once.
    /// </summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    private volatile bool _enforced;
    private long _openUntil = long.MinValue;

    public async ValueTask<bool> IsEnforcedAsync(CancellationToken ct)
    {
        if (_enforced) return true;
        long now = time.GetTimestamp();
        if (now < Interlocked.Read(ref _openUntil)) return false;
        if (await store.AnyUserAsync(ct))
        {
            _enforced = true;
            return true;
        }
        Interlocked.Exchange(ref _openUntil, now + (long)(Recheck.TotalSeconds * time.TimestampFrequency));
        return _enforced;
    }

    /// <summary>A user was just added through this node: access control is on from the next request.</summary>
    public void Enforce() => _enforced = true;
}

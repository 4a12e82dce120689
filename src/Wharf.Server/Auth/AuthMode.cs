using Wharf.Core.Access;

namespace Wharf.Server.Auth;

/// <summary>
/// Whether access control is on: from the moment the registry has a user, for good. A registry without users
/// is open (and listens on loopback unless told otherwise, see <see cref="AuthSetup"/>).
/// </summary>
public sealed class AuthMode(IAccessStore store)
{
    private volatile bool _enforced;

    public async ValueTask<bool> IsEnforcedAsync(CancellationToken ct)
    {
        if (_enforced) return true;
        // Users added by `wharf user add` while the server runs count from the next request on.
        if (await store.AnyUserAsync(ct)) _enforced = true;
        return _enforced;
    }
}

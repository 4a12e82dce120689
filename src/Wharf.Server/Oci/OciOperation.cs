using Microsoft.AspNetCore.Http;
using Wharf.Core;
using Wharf.Core.Access;

namespace Wharf.Server.Oci;

/// <summary>Which check a /v2 request passes before its handler runs (see <see cref="Auth.AccessGuard"/>).</summary>
internal enum OciGate
{
    /// <summary>No check: a method the endpoint does not have gets its 405 without asking who is calling.</summary>
    Open,
    /// <summary>Any caller with valid credentials (the base endpoint).</summary>
    SignedIn,
    /// <summary>Signed in with a token that carries the catalog scope; the listing is then filtered per repository.</summary>
    Catalog,
    /// <summary>The caller holds <see cref="OciAccess.Action"/> on the repository the path names.</summary>
    Repository,
}

/// <summary>The access a row asks for.</summary>
internal readonly record struct OciAccess(OciGate Gate, AccessAction Action)
{
    public static readonly OciAccess Open = new(OciGate.Open, AccessAction.None);
    public static readonly OciAccess SignedIn = new(OciGate.SignedIn, AccessAction.None);
    public static readonly OciAccess Catalog = new(OciGate.Catalog, AccessAction.None);
    public static readonly OciAccess Pull = new(OciGate.Repository, AccessAction.Pull);
    public static readonly OciAccess Push = new(OciGate.Repository, AccessAction.Push);
    public static readonly OciAccess Delete = new(OciGate.Repository, AccessAction.Delete);
}

/// <summary>A matched /v2 request as a handler receives it.</summary>
internal readonly record struct OciRequest(HttpContext Context, OciRoute Route)
{
    public IServiceProvider Services => Context.RequestServices;
    public string Name => Route.Name;
    public string Reference => Route.Reference;
    public CancellationToken Aborted => Context.RequestAborted;
}

/// <summary>
/// What an audited request changed, as its handler knows it: the digest it pushed or deleted (null for a tag
/// delete) and, for a push that moved a tag, the digest the tag pointed at before. Null from a handler: nothing changed.
/// </summary>
internal sealed record RegistryChange(Digest? Digest, Digest? PreviousTagTarget = null);

/// <summary>
/// One row of the /v2 table: an endpoint and method, the access it needs, the audit action it records (null: not
/// audited) and its handler. <see cref="OciTable.AnyOtherMethod"/> as the method stands for the methods the
/// endpoint has no row for.
/// </summary>
internal sealed record OciOperation(
    OciEndpoint Endpoint,
    string Method,
    OciAccess Access,
    string? AuditAction,
    Func<OciRequest, Task<RegistryChange?>> Handle)
{
    public bool Audited => AuditAction is not null;
}

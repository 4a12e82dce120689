using Wharf.Core.Access;

namespace Wharf.Server.Auth;

public enum AdminStatus
{
    Ok,
    Invalid,
    NotFound,
    Conflict,
}

/// <summary>The outcome of an administrative change: a status and a message fit to show a person.</summary>
public readonly record struct AdminOutcome(AdminStatus Status, string Message)
{
    public bool Ok => Status == AdminStatus.Ok;
}

/// <summary>A robot just created, with its secret: the only time the secret exists outside the caller's hands.</summary>
public sealed record CreatedRobot(RobotRecord Robot, string Secret);

/// <summary>
/// Users, robot accounts, namespaces and members: validated, hashed, and audited. The admin API and the CLI
/// (which works on the data directory directly) both go through here. <c>actor</c> is the audit subject of
/// whoever makes the change; <c>address</c> where it came from.
/// </summary>
public sealed class AccessAdmin(IAccessStore store, AuditLog audit, TimeProvider time)
{
    public const int MinPasswordLength = 8;

    public async Task<AdminOutcome> AddUserAsync(string name, string password, bool isAdmin, string actor, string? address, CancellationToken ct)
    {
        if (!Namespaces.IsValid(name)) return Invalid($"user name '{name}' must be lower-case letters and digits, optionally joined by '.', '_' or '-'");
        if (password.Length < MinPasswordLength) return Invalid($"the password must have at least {MinPasswordLength} characters");
        var outcome = await store.AddUserAsync(new UserRecord(name, PasswordHasher.Hash(password), isAdmin, time.GetUtcNow()), ct);
        if (outcome == AccessStoreOutcome.AlreadyExists) return new(AdminStatus.Conflict, $"user '{name}' already exists");
        await AuditAsync(actor, $"user {name} added{(isAdmin ? " as administrator" : "")}", address, ct);
        return Done($"user '{name}' added{(isAdmin ? " as administrator" : "")}");
    }

    public async Task<AdminOutcome> SetPasswordAsync(string name, string password, string actor, string? address, CancellationToken ct)
    {
        if (password.Length < MinPasswordLength) return Invalid($"the password must have at least {MinPasswordLength} characters");
        if (await store.SetPasswordHashAsync(name, PasswordHasher.Hash(password), ct) == AccessStoreOutcome.NotFound) return NoUser(name);
        await AuditAsync(actor, $"password of {name} changed", address, ct);
        return Done($"password of '{name}' changed");
    }

    public async Task<AdminOutcome> RemoveUserAsync(string name, string actor, string? address, CancellationToken ct)
    {
        if (await store.RemoveUserAsync(name, ct) == AccessStoreOutcome.NotFound) return NoUser(name);
        await AuditAsync(actor, $"user {name} removed", address, ct);
        return Done($"user '{name}' removed");
    }

    public async Task<(AdminOutcome Outcome, CreatedRobot? Robot)> CreateRobotAsync(string name, IEnumerable<string> grants, TimeSpan? lifetime,
        string actor, string? address, CancellationToken ct)
    {
        if (!Namespaces.IsValid(name)) return (Invalid($"robot name '{name}' must be lower-case letters and digits, optionally joined by '.', '_' or '-'"), null);
        if (!RobotGrant.TryParseList(string.Join(' ', grants), out var parsed))
            return (Invalid("grants must be TARGET:ACTIONS, e.g. team:pull,push or team/model:pull (actions: pull, push, delete)"), null);
        if (lifetime is { } l && l <= TimeSpan.Zero) return (Invalid("the expiry must be in the future"), null);
        var secret = Secrets.NewRobotSecret();
        var now = time.GetUtcNow();
        var robot = new RobotRecord(name, Secrets.Hash(secret), parsed, now, lifetime is { } life ? now + life : null, null, actor);
        if (await store.AddRobotAsync(robot, ct) == AccessStoreOutcome.AlreadyExists) return (new(AdminStatus.Conflict, $"robot '{name}' already exists"), null);
        await AuditAsync(actor, $"robot {name} created with {RobotGrant.FormatList(parsed)}", address, ct);
        return (Done($"robot '{name}' created"), new CreatedRobot(robot, secret));
    }

    public async Task<AdminOutcome> RevokeRobotAsync(string name, string actor, string? address, CancellationToken ct)
    {
        if (await store.RevokeRobotAsync(name, time.GetUtcNow(), ct) == AccessStoreOutcome.NotFound) return new(AdminStatus.NotFound, $"no robot '{name}'");
        await AuditAsync(actor, $"robot {name} revoked", address, ct);
        return Done($"robot '{name}' revoked");
    }

    public async Task<AdminOutcome> CreateNamespaceAsync(string name, bool isPublic, string actor, string? address, CancellationToken ct)
    {
        if (!Namespaces.IsValid(name)) return Invalid($"namespace '{name}' must be one path component: lower-case letters and digits, optionally joined by '.', '_' or '-'");
        if (await store.CreateNamespaceAsync(new NamespaceRecord(name, isPublic, time.GetUtcNow()), ct) == AccessStoreOutcome.AlreadyExists)
            return new(AdminStatus.Conflict, $"namespace '{name}' already exists");
        await AuditAsync(actor, $"namespace {name} created ({(isPublic ? "public" : "private")})", address, ct, name);
        return Done($"namespace '{name}' created ({(isPublic ? "public" : "private")})");
    }

    public async Task<AdminOutcome> SetPublicAsync(string name, bool isPublic, string actor, string? address, CancellationToken ct)
    {
        if (await store.SetNamespacePublicAsync(name, isPublic, ct) == AccessStoreOutcome.NotFound) return NoNamespace(name);
        await AuditAsync(actor, $"namespace {name} made {(isPublic ? "public" : "private")}", address, ct, name);
        return Done($"namespace '{name}' is now {(isPublic ? "public" : "private")}");
    }

    public async Task<AdminOutcome> GrantAsync(string ns, string user, string role, string actor, string? address, CancellationToken ct)
    {
        if (!Roles.TryParse(role, out var parsed)) return Invalid($"role '{role}' is not one of reader, writer, maintainer, admin");
        if (await store.SetMemberAsync(new Membership(ns, user, parsed), ct) == AccessStoreOutcome.NotFound)
            return new(AdminStatus.NotFound, $"no namespace '{ns}' or no user '{user}'");
        await AuditAsync(actor, $"{user} is {Roles.Wire(parsed)} of {ns}", address, ct, ns);
        return Done($"'{user}' is now {Roles.Wire(parsed)} of '{ns}'");
    }

    public async Task<AdminOutcome> RevokeAsync(string ns, string user, string actor, string? address, CancellationToken ct)
    {
        if (await store.RemoveMemberAsync(ns, user, ct) == AccessStoreOutcome.NotFound) return new(AdminStatus.NotFound, $"'{user}' is not a member of '{ns}'");
        await AuditAsync(actor, $"{user} removed from {ns}", address, ct, ns);
        return Done($"'{user}' is no longer a member of '{ns}'");
    }

    private Task AuditAsync(string actor, string detail, string? address, CancellationToken ct, string? ns = null) =>
        audit.RecordAsync(actor, AuditActions.Permission, ns, null, detail, address, allowed: true);

    private static AdminOutcome Done(string message) => new(AdminStatus.Ok, message);
    private static AdminOutcome Invalid(string message) => new(AdminStatus.Invalid, message);
    private static AdminOutcome NoUser(string name) => new(AdminStatus.NotFound, $"no user '{name}'");
    private static AdminOutcome NoNamespace(string name) => new(AdminStatus.NotFound, $"no namespace '{name}'");
}

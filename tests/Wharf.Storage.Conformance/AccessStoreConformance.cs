using Wharf.Core.Access;

namespace Wharf.Storage.Conformance;

/// <summary>
/// What every <see cref="IAccessStore"/> must do. A backend subclasses this with a factory for a fresh, empty,
/// migrated store per test.
/// </summary>
public abstract class AccessStoreConformance : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    protected IAccessStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>A new, empty store, its schema created, not shared with any other test.</summary>
    protected abstract Task<IAccessStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    private static UserRecord User(string name, bool admin = false) => new(name, "$argon2id$hash-of-" + name, admin, T0);

    private static RobotRecord Robot(string name, string grants = "team:pull,push", DateTimeOffset? expires = null) =>
        new(name, "sha256-of-" + name, RobotGrant.TryParseList(grants, out var g) ? g : throw new FormatException(grants), T0, expires, null, "admin");

    [StoreFact]
    public async Task Users_are_added_once_read_back_and_listed_in_name_order()
    {
        Assert.False(await Store.AnyUserAsync(Ct));
        Assert.Equal(AccessStoreOutcome.Done, await Store.AddUserAsync(User("bob"), Ct));
        Assert.Equal(AccessStoreOutcome.Done, await Store.AddUserAsync(User("alice", admin: true), Ct));
        Assert.Equal(AccessStoreOutcome.AlreadyExists, await Store.AddUserAsync(User("bob", admin: true), Ct));
        Assert.True(await Store.AnyUserAsync(Ct));

        Assert.Equal(User("alice", admin: true), await Store.GetUserAsync("alice", Ct));
        Assert.False((await Store.GetUserAsync("bob", Ct))!.IsAdmin); // the second add changed nothing
        Assert.Null(await Store.GetUserAsync("Alice", Ct));
        Assert.Equal(["alice", "bob"], (await Store.ListUsersAsync(Ct)).Select(u => u.Name));
    }

    [StoreFact]
    public async Task A_password_hash_changes_only_for_a_known_user()
    {
        await Store.AddUserAsync(User("alice"), Ct);
        Assert.Equal(AccessStoreOutcome.Done, await Store.SetPasswordHashAsync("alice", "$argon2id$new", Ct));
        Assert.Equal("$argon2id$new", (await Store.GetUserAsync("alice", Ct))!.PasswordHash);
        Assert.Equal(AccessStoreOutcome.NotFound, await Store.SetPasswordHashAsync("nobody", "$argon2id$new", Ct));
    }

    [StoreFact]
    public async Task Removing_a_user_removes_their_memberships_and_refresh_tokens()
    {
        await Store.AddUserAsync(User("alice"), Ct);
        await Store.CreateNamespaceAsync(new NamespaceRecord("team", false, T0), Ct);
        await Store.SetMemberAsync(new Membership("team", "alice", Role.Writer), Ct);
        await Store.AddRefreshTokenAsync(new RefreshTokenRecord("rt-hash", "alice", "podman", T0, T0.AddDays(1)), Ct);

        Assert.Equal(AccessStoreOutcome.Done, await Store.RemoveUserAsync("alice", Ct));
        Assert.Equal(AccessStoreOutcome.NotFound, await Store.RemoveUserAsync("alice", Ct));
        Assert.Null(await Store.GetUserAsync("alice", Ct));
        Assert.Empty(await Store.ListMembersAsync("team", Ct));
        Assert.Null(await Store.FindRefreshTokenAsync("rt-hash", T0, Ct));

        // The name is free again, and a new alice inherits nothing.
        await Store.AddUserAsync(User("alice"), Ct);
        Assert.Empty(await Store.ListMembershipsAsync("alice", Ct));
    }

    [StoreFact]
    public async Task Robots_are_found_by_secret_hash_with_their_grants_and_expiry()
    {
        var robot = Robot("ci", "team:pull,push other/model:pull", T0.AddDays(30));
        Assert.Equal(AccessStoreOutcome.Done, await Store.AddRobotAsync(robot, Ct));
        Assert.Equal(AccessStoreOutcome.AlreadyExists, await Store.AddRobotAsync(Robot("ci", "x:pull"), Ct));

        var found = await Store.FindRobotBySecretHashAsync("sha256-of-ci", Ct);
        Assert.NotNull(found);
        Assert.Equal("ci", found.Name);
        Assert.Equal("team:pull,push other/model:pull", RobotGrant.FormatList(found.Grants));
        Assert.Equal(T0.AddDays(30), found.ExpiresAt);
        Assert.Null(found.RevokedAt);
        Assert.Equal("admin", found.CreatedBy);
        Assert.Null(await Store.FindRobotBySecretHashAsync("sha256-of-nobody", Ct));
        var byName = await Store.GetRobotAsync("ci", Ct);
        Assert.Equal(found with { Grants = [] }, byName! with { Grants = [] });
        Assert.Equal(RobotGrant.FormatList(found.Grants), RobotGrant.FormatList(byName.Grants));
    }

    [StoreFact]
    public async Task A_revoked_robot_stays_listed_with_the_first_revocation_time()
    {
        await Store.AddRobotAsync(Robot("b"), Ct);
        await Store.AddRobotAsync(Robot("a"), Ct);
        Assert.Equal(AccessStoreOutcome.Done, await Store.RevokeRobotAsync("b", T0.AddHours(1), Ct));
        Assert.Equal(AccessStoreOutcome.Done, await Store.RevokeRobotAsync("b", T0.AddHours(2), Ct));
        Assert.Equal(AccessStoreOutcome.NotFound, await Store.RevokeRobotAsync("nobody", T0, Ct));

        var robots = await Store.ListRobotsAsync(Ct);
        Assert.Equal(["a", "b"], robots.Select(r => r.Name));
        Assert.Equal(T0.AddHours(1), robots[1].RevokedAt);
        Assert.False(robots[1].IsActive(T0.AddHours(3)));
        Assert.True(robots[0].IsActive(T0.AddHours(3)));
    }

    [StoreFact]
    public async Task Namespaces_are_created_once_and_turn_public_and_private()
    {
        Assert.Equal(AccessStoreOutcome.Done, await Store.CreateNamespaceAsync(new NamespaceRecord("team", false, T0), Ct));
        Assert.Equal(AccessStoreOutcome.AlreadyExists, await Store.CreateNamespaceAsync(new NamespaceRecord("team", true, T0), Ct));
        Assert.False((await Store.GetNamespaceAsync("team", Ct))!.IsPublic);

        Assert.Equal(AccessStoreOutcome.Done, await Store.SetNamespacePublicAsync("team", true, Ct));
        Assert.Equal(new NamespaceRecord("team", true, T0), await Store.GetNamespaceAsync("team", Ct));
        Assert.Equal(AccessStoreOutcome.NotFound, await Store.SetNamespacePublicAsync("nope", true, Ct));
        Assert.Null(await Store.GetNamespaceAsync("nope", Ct));

        await Store.CreateNamespaceAsync(new NamespaceRecord("abc", false, T0), Ct);
        Assert.Equal(["abc", "team"], (await Store.ListNamespacesAsync(Ct)).Select(n => n.Name));
    }

    [StoreFact]
    public async Task Members_get_one_role_per_namespace_which_can_change_and_go()
    {
        await Store.AddUserAsync(User("alice"), Ct);
        await Store.AddUserAsync(User("bob"), Ct);
        await Store.CreateNamespaceAsync(new NamespaceRecord("team", false, T0), Ct);
        await Store.CreateNamespaceAsync(new NamespaceRecord("lab", false, T0), Ct);

        Assert.Equal(AccessStoreOutcome.Done, await Store.SetMemberAsync(new Membership("team", "alice", Role.Reader), Ct));
        Assert.Equal(AccessStoreOutcome.Done, await Store.SetMemberAsync(new Membership("team", "alice", Role.Maintainer), Ct));
        Assert.Equal(AccessStoreOutcome.Done, await Store.SetMemberAsync(new Membership("team", "bob", Role.Writer), Ct));
        Assert.Equal(AccessStoreOutcome.Done, await Store.SetMemberAsync(new Membership("lab", "alice", Role.Admin), Ct));
        Assert.Equal(AccessStoreOutcome.NotFound, await Store.SetMemberAsync(new Membership("nope", "alice", Role.Reader), Ct));
        Assert.Equal(AccessStoreOutcome.NotFound, await Store.SetMemberAsync(new Membership("team", "nobody", Role.Reader), Ct));

        Assert.Equal([new Membership("team", "alice", Role.Maintainer), new Membership("team", "bob", Role.Writer)],
            await Store.ListMembersAsync("team", Ct));
        Assert.Equal([new Membership("lab", "alice", Role.Admin), new Membership("team", "alice", Role.Maintainer)],
            await Store.ListMembershipsAsync("alice", Ct));

        Assert.Equal(AccessStoreOutcome.Done, await Store.RemoveMemberAsync("team", "alice", Ct));
        Assert.Equal(AccessStoreOutcome.NotFound, await Store.RemoveMemberAsync("team", "alice", Ct));
        Assert.Equal([new Membership("lab", "alice", Role.Admin)], await Store.ListMembershipsAsync("alice", Ct));
    }

    [StoreFact]
    public async Task Refresh_tokens_are_found_by_hash_until_they_expire_or_are_removed()
    {
        await Store.AddUserAsync(User("alice"), Ct);
        var token = new RefreshTokenRecord("rt-hash", "alice", "docker", T0, T0.AddDays(1));
        await Store.AddRefreshTokenAsync(token, Ct);
        Assert.Equal(token, await Store.FindRefreshTokenAsync("rt-hash", T0.AddHours(23), Ct));
        Assert.Null(await Store.FindRefreshTokenAsync("rt-hash", T0.AddDays(1), Ct));
        Assert.Null(await Store.FindRefreshTokenAsync("other", T0, Ct));
        Assert.Equal(AccessStoreOutcome.Done, await Store.RemoveRefreshTokenAsync("rt-hash", Ct));
        Assert.Null(await Store.FindRefreshTokenAsync("rt-hash", T0, Ct));
        Assert.Equal(AccessStoreOutcome.NotFound, await Store.RemoveRefreshTokenAsync("rt-hash", Ct));
    }

    [StoreFact]
    public async Task The_audit_log_pages_newest_first()
    {
        var ids = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add(await Store.AppendAuditAsync(new AuditEntry(0, T0.AddSeconds(i), "user:alice", AuditActions.Push, "team/model",
                "sha256:" + new string((char)('a' + i), 64), $"tag v{i}", "10.0.0.1", Allowed: i % 2 == 0), Ct));
        }
        Assert.Equal(ids.Order(), ids); // ids grow

        var first = await Store.ListAuditAsync(null, 2, Ct);
        Assert.Equal([ids[4], ids[3]], first.Select(e => e.Id));
        Assert.Equal(new AuditEntry(ids[4], T0.AddSeconds(4), "user:alice", AuditActions.Push, "team/model",
            "sha256:" + new string('e', 64), "tag v4", "10.0.0.1", true), first[0]);
        Assert.False(first[1].Allowed);

        var rest = await Store.ListAuditAsync(first[^1].Id, 10, Ct);
        Assert.Equal([ids[2], ids[1], ids[0]], rest.Select(e => e.Id));
        Assert.Empty(await Store.ListAuditAsync(ids[0], 10, Ct));
        Assert.Empty(await Store.ListAuditAsync(null, 0, Ct));
    }

    [StoreFact]
    public async Task Audit_rows_keep_missing_fields_missing()
    {
        long id = await Store.AppendAuditAsync(new AuditEntry(0, T0, "anonymous", AuditActions.Login, null, null, null, null, false), Ct);
        Assert.Equal(new AuditEntry(id, T0, "anonymous", AuditActions.Login, null, null, null, null, false),
            Assert.Single(await Store.ListAuditAsync(null, 10, Ct)));
    }
}

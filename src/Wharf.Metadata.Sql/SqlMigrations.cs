namespace Wharf.Metadata.Sql;

/// <summary>
/// Brings a database to the newest schema the dialect knows, in one transaction: pending scripts and their
/// version rows commit together or not at all (DDL is transactional on both engines). Versions are numbered the
/// same on every engine: version N is the same logical change everywhere.
/// </summary>
internal static class SqlMigrations
{
    // Numbering 1 was each engine's own (SQLite and PostgreSQL grouped the same changes into different versions);
    // 2 is the shared one. A database without the row for 2 still counts its versions the old way.
    private const int SharedNumbering = 2;

    public static async Task MigrateAsync(SqlDatabase database, CancellationToken ct)
    {
        var dialect = database.Dialect;
        await using (var connection = await database.OpenConnectionAsync(ct)) await dialect.BeforeMigrationAsync(connection, ct);

        await using var db = await database.BeginWriteAsync(ct);
        if (dialect.MigrationLock is { } migrationLock) await db.ExecuteAsync(migrationLock, ct);
        await db.ExecuteAsync($"CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at {dialect.TimeType} NOT NULL);", ct);
        await db.ExecuteAsync($"CREATE TABLE IF NOT EXISTS schema_numbering (numbering integer PRIMARY KEY, applied_at {dialect.TimeType} NOT NULL);", ct);
        if (await db.ScalarAsync("SELECT 1 FROM schema_numbering WHERE numbering = @numbering;", ct, ("numbering", SharedNumbering)) is null)
        {
            await RenumberAsync(db, dialect.LegacyVersions, ct);
            await db.ExecuteAsync("INSERT INTO schema_numbering (numbering, applied_at) VALUES (@numbering, @at);",
                ct, ("numbering", SharedNumbering), ("at", database.Now()));
        }

        var scripts = dialect.Migrations;
        long current = Convert.ToInt64(await db.ScalarAsync("SELECT coalesce(max(version), 0) FROM schema_migrations;", ct));
        if (current > scripts.Count)
            throw new InvalidOperationException($"the database schema is version {current}, newer than this build knows ({scripts.Count})");
        for (int version = (int)current + 1; version <= scripts.Count; version++)
        {
            await db.ExecuteAsync(scripts[version - 1], ct);
            await db.ExecuteAsync("INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at);",
                ct, ("version", version), ("at", database.Now()));
        }
        await db.CommitAsync(ct);
    }

    /// <summary>
    /// Rewrites the version rows of the engine's own old numbering as the shared versions they hold, each dated
    /// when the old version that brought it was applied. Nothing runs: the schema is already what the rows say.
    /// </summary>
    private static async Task RenumberAsync(SqlSession db, IReadOnlyList<int> legacyVersions, CancellationToken ct)
    {
        var rows = await db.QueryAsync("SELECT version, applied_at FROM schema_migrations ORDER BY version;",
            r => (Version: Convert.ToInt32(r.GetValue(0)), AppliedAt: r.GetValue(1)), ct);
        if (rows.Count == 0) return; // a new database: it starts in the shared numbering
        if (rows[^1].Version > legacyVersions.Count)
            throw new InvalidOperationException(
                $"the database schema is version {rows[^1].Version} of the old numbering, newer than this build knows ({legacyVersions.Count})");

        var shared = new List<(int Version, object AppliedAt)>();
        foreach (var (version, appliedAt) in rows)
        {
            while (shared.Count < legacyVersions[version - 1]) shared.Add((shared.Count + 1, appliedAt));
        }
        if (shared.Select(s => s.Version).SequenceEqual(rows.Select(r => r.Version))) return;

        await db.ExecuteAsync("DELETE FROM schema_migrations;", ct);
        foreach (var (version, appliedAt) in shared)
        {
            await db.ExecuteAsync("INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at);",
                ct, ("version", version), ("at", appliedAt));
        }
    }
}

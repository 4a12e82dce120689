using Wharf.Metadata.Sql;

namespace Wharf.Metadata.Sqlite;

public static class SqliteMetadata
{
    /// <summary>The metadata database on the file at <paramref name="databasePath"/>, in WAL mode once migrated.</summary>
    public static SqlDatabase Open(string databasePath, TimeProvider? timeProvider = null) =>
        new(new SqliteDataSource(databasePath), SqliteDialect.Instance, timeProvider);
}

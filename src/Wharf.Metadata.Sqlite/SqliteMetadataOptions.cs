namespace Wharf.Metadata.Sqlite;

/// <summary>Where the SQLite metadata database lives: one file, created with its folder when missing.</summary>
public sealed record SqliteMetadataOptions
{
    public required string Path { get; init; }
}

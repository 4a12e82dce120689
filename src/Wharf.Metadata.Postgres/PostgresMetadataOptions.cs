namespace Wharf.Metadata.Postgres;

/// <summary>Which PostgreSQL database holds the metadata: an Npgsql connection string (it may hold a password).</summary>
public sealed record PostgresMetadataOptions
{
    public required string ConnectionString { get; init; }
}

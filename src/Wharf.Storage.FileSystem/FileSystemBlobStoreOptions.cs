namespace Wharf.Storage.FileSystem;

/// <summary>Where the filesystem blob store keeps its blobs and uploads (Storage:Path; default the data directory).</summary>
public sealed record FileSystemBlobStoreOptions
{
    /// <summary>The store's root: blobs/ and uploads/ live under it (see <see cref="Core.BlobLayout"/>).</summary>
    public string RootDirectory { get; init; } = "";
}

using System.Security.Cryptography;
using Wharf.Core.Registry;
using Wharf.Metadata.Sqlite;
using Wharf.Storage.FileSystem;

namespace Wharf.Core.Tests.Registry;

/// <summary>
/// The registry rules over the real default stores (a filesystem blob store and SQLite) in a temp directory,
/// fresh for each test.
/// </summary>
public abstract class RegistryHarness : IAsyncLifetime
{
    private readonly TempDirectory _root = new("wharf-registry");
    private SqliteMetadataStore? _sqlite;

    protected static CancellationToken Ct => CancellationToken.None;

    protected FileSystemBlobStore Blobs { get; private set; } = null!;

    protected IMetadataStore Metadata => _sqlite!;

    protected virtual RegistryLimits Limits => new();

    /// <summary>The upload rules as one node runs them, with that node's own hash cache (<see cref="Hashes"/>).</summary>
    protected UploadService Uploads { get; private set; } = null!;

    protected UploadHashes Hashes { get; } = new();

    protected ManifestService Manifests { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Blobs = new FileSystemBlobStore(_root.Path);
        _sqlite = new SqliteMetadataStore(Path.Combine(_root.Path, "wharf.db"));
        await _sqlite.MigrateAsync(Ct);
        Uploads = new UploadService(Blobs, Metadata, Hashes, new UploadLeases(_sqlite, TimeProvider.System), Limits, TimeProvider.System);
        Manifests = new ManifestService(Metadata, Limits, TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        _sqlite?.Dispose();
        _root.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Another replica: the same stores, an empty hash cache.</summary>
    protected UploadService Node() => new(Blobs, Metadata, new UploadHashes(), new UploadLeases(_sqlite!, TimeProvider.System), Limits, TimeProvider.System);

    protected static byte[] Bytes(int length) => RandomNumberGenerator.GetBytes(length);

    protected static Stream Body(byte[] bytes) => new MemoryStream(bytes);

    /// <summary>Pushes <paramref name="blob"/> into <paramref name="repository"/> in one request.</summary>
    protected async Task<Digest> PushAsync(string repository, byte[] blob)
    {
        var digest = Digest.Compute(blob);
        var result = await Uploads.PutMonolithicAsync(repository, digest, Body(blob), Ct);
        Assert.True(result.Ok, result.Error?.Message);
        return digest;
    }

    protected string[] UploadFiles => Directory.GetFiles(Path.Combine(_root.Path, BlobPaths.UploadsDirectory));

    protected string[] BlobFiles => Directory.GetFiles(Path.Combine(_root.Path, BlobPaths.BlobsDirectory), "*", SearchOption.AllDirectories);

    protected static void AssertError<T>(Result<T> result, OciErrorCode code)
    {
        Assert.False(result.Ok, "expected " + code);
        Assert.Equal(code, result.Error.Code);
    }

    /// <summary>No link, no blob file, no session row, no upload bytes.</summary>
    protected async Task AssertNothingVisibleAsync(string repository, string uploadId, params Digest[] digests)
    {
        foreach (var digest in digests)
        {
            Assert.Null(await Metadata.GetLinkedBlobSizeAsync(repository, digest, Ct));
            Assert.Null(await Blobs.StatAsync(digest, Ct));
        }
        Assert.Null(await Metadata.GetUploadAsync(uploadId, Ct));
        Assert.Null(await Blobs.GetUploadSizeAsync(uploadId, Ct));
        Assert.Empty(UploadFiles);
        Assert.Empty(BlobFiles);
    }
}

using Wharf.Core;
using Wharf.Storage.FileSystem;

namespace Wharf.Storage.Conformance;

public sealed class FileSystemBlobStoreTests : BlobStoreConformance
{
    private readonly TempDirectory _root = new("wharf-fs");

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(new FileSystemBlobStore(_root.Path));

    protected override Task DisposeStoreAsync()
    {
        _root.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Blobs_and_uploads_live_where_BlobPaths_says()
    {
        var data = TestData.Bytes(10, 1);
        var digest = Digest.Compute(data);
        var id = await StartUploadAsync(data);
        Assert.True(File.Exists(Path.Combine(_root.Path, "uploads", id)));

        await Store.CommitUploadAsync(id, digest, Ct);

        var expected = Path.Combine(_root.Path, "blobs", "sha256", digest.Hex[..2], digest.Hex);
        Assert.Equal(expected, BlobPaths.Blob(Path.GetFullPath(_root.Path), digest));
        Assert.Equal(data, await File.ReadAllBytesAsync(expected));
        Assert.Equal(expected, (await Store.OpenAsync(digest, Ct))!.PhysicalPath);
        Assert.Empty(Directory.GetFiles(Path.Combine(_root.Path, "uploads")));
    }

    [Fact]
    public async Task An_unsafe_upload_id_creates_nothing_anywhere()
    {
        var outside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_root.Path))!, "escape-" + Guid.NewGuid().ToString("N"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateUploadAsync("../../" + Path.GetFileName(outside), Ct));
        Assert.False(File.Exists(outside));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root.Path, "uploads")));
        Assert.Null(BlobPaths.Upload(_root.Path, ".."));
    }

    [Fact]
    public void An_unset_digest_has_no_path() =>
        Assert.Throws<ArgumentException>(() => BlobPaths.Blob(Path.GetFullPath(_root.Path), default));

    [Fact]
    public async Task A_range_stays_readable_after_the_blob_is_deleted()
    {
        var data = TestData.Bytes(100, 1);
        var content = await Store.OpenAsync(await PutBlobAsync(data), Ct);
        await using var stream = await content!.OpenRange(0, data.Length, Ct);
        Assert.True(await Store.DeleteAsync(Digest.Compute(data), Ct));
        Assert.Equal(data, await TestData.ReadAllAsync(stream)); // GC may unlink under a pull; the pull completes
    }
}

using Wharf.Core;

namespace Wharf.Storage.Conformance;

/// <summary>
/// What every <see cref="IBlobStore"/> must do. A backend subclasses this with a factory; each test gets a
/// fresh, empty store of its own. Nothing here may depend on how a backend stores bytes.
/// </summary>
public abstract class BlobStoreConformance : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;

    protected IBlobStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>A new, empty store not shared with any other test.</summary>
    protected abstract Task<IBlobStore> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> made.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    protected static string NewUploadId() => Guid.NewGuid().ToString("N");

    protected async Task<string> StartUploadAsync(byte[] content)
    {
        var id = NewUploadId();
        await Store.CreateUploadAsync(id, Ct);
        Assert.Equal(content.Length, await Store.AppendUploadAsync(id, 0, new MemoryStream(content), null, Ct));
        return id;
    }

    protected async Task<Digest> PutBlobAsync(byte[] content, string algorithm = Digest.Sha256)
    {
        var digest = Digest.Compute(content, algorithm);
        Assert.Equal(CommitResult.Committed, await Store.CommitUploadAsync(await StartUploadAsync(content), digest, Ct));
        return digest;
    }

    private async Task<byte[]> ReadBlobAsync(Digest digest)
    {
        var content = await Store.OpenAsync(digest, Ct);
        Assert.NotNull(content);
        await using var stream = await content.OpenRange(0, content.Length, Ct);
        return await TestData.ReadAllAsync(stream);
    }

    [StoreFact]
    public async Task A_missing_blob_is_unknown()
    {
        var digest = TestData.DigestOf("never stored");
        Assert.Null(await Store.StatAsync(digest, Ct));
        Assert.Null(await Store.OpenAsync(digest, Ct));
        Assert.False(await Store.DeleteAsync(digest, Ct));
    }

    [StoreFact]
    public async Task A_new_upload_is_empty()
    {
        var id = NewUploadId();
        await Store.CreateUploadAsync(id, Ct);
        Assert.Equal(0, await Store.GetUploadSizeAsync(id, Ct));
        await using var stream = await Store.OpenUploadAsync(id, Ct);
        Assert.NotNull(stream);
        Assert.Empty(await TestData.ReadAllAsync(stream));
    }

    [StoreFact]
    public async Task Appends_at_the_current_size_grow_the_upload_in_order()
    {
        var id = NewUploadId();
        await Store.CreateUploadAsync(id, Ct);
        byte[][] chunks = [TestData.Bytes(10, 1), TestData.Bytes(MiB + 3, 2), TestData.Bytes(1, 3)];
        long size = 0;
        foreach (var chunk in chunks)
        {
            var grown = await Store.AppendUploadAsync(id, size, new MemoryStream(chunk), null, Ct);
            size += chunk.Length;
            Assert.Equal(size, grown);
            Assert.Equal(size, await Store.GetUploadSizeAsync(id, Ct));
        }
        await using var stream = await Store.OpenUploadAsync(id, Ct);
        Assert.Equal(chunks.SelectMany(c => c).ToArray(), await TestData.ReadAllAsync(stream!));
    }

    [StoreTheory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public async Task An_append_at_another_offset_than_the_size_throws_and_changes_nothing(long offset)
    {
        var id = await StartUploadAsync(TestData.Bytes(4, 1));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendUploadAsync(id, offset, new MemoryStream([1, 2]), null, Ct));
        Assert.Equal(4, await Store.GetUploadSizeAsync(id, Ct));
    }

    [StoreTheory]
    [InlineData(7000)]     // short reads, as from a socket
    [InlineData(MiB)]      // reads the size of a pooled buffer
    [InlineData(3 * MiB)]  // reads larger than any sane buffer
    public async Task Observe_sees_exactly_the_bytes_written_in_order(int readSize)
    {
        var data = TestData.Bytes(3 * MiB + 12345, readSize);
        var id = await StartUploadAsync([]);
        using var observed = new MemoryStream();
        using var hash = Digest.CreateHash(Digest.Sha256);

        var size = await Store.AppendUploadAsync(id, 0, new TrickleStream(data, readSize), span =>
        {
            observed.Write(span);
            hash.AppendData(span);
        }, Ct);

        Assert.Equal(data.Length, size);
        Assert.Equal(data, observed.ToArray());
        Assert.Equal(Digest.Compute(data), Digest.FromHash(Digest.Sha256, hash.GetHashAndReset()));
        Assert.Equal(CommitResult.Committed, await Store.CommitUploadAsync(id, Digest.Compute(data), Ct));
        Assert.Equal(data, await ReadBlobAsync(Digest.Compute(data)));
    }

    [StoreFact]
    public async Task An_empty_append_changes_nothing()
    {
        var id = await StartUploadAsync(TestData.Bytes(9, 1));
        long observed = 0;
        Assert.Equal(9, await Store.AppendUploadAsync(id, 9, new MemoryStream(), span => observed += span.Length, Ct));
        Assert.Equal(0, observed);
        Assert.Equal(9, await Store.GetUploadSizeAsync(id, Ct));
    }

    [StoreFact]
    public async Task An_unknown_upload_is_unknown_everywhere()
    {
        var id = NewUploadId();
        Assert.Null(await Store.GetUploadSizeAsync(id, Ct));
        Assert.Null(await Store.AppendUploadAsync(id, 0, new MemoryStream([1]), null, Ct));
        Assert.Null(await Store.OpenUploadAsync(id, Ct));
        Assert.Equal(CommitResult.UploadUnknown, await Store.CommitUploadAsync(id, TestData.DigestOf("x"), Ct));
        Assert.False(await Store.DeleteUploadAsync(id, Ct));
        Assert.Null(await Store.GetUploadSizeAsync(id, Ct)); // a failed append did not create it
    }

    [StoreFact]
    public async Task Bytes_are_not_a_blob_until_committed()
    {
        var data = TestData.Bytes(100, 1);
        var id = await StartUploadAsync(data);
        Assert.Null(await Store.StatAsync(Digest.Compute(data), Ct));

        Assert.Equal(CommitResult.Committed, await Store.CommitUploadAsync(id, Digest.Compute(data), Ct));

        Assert.Equal(new BlobInfo(Digest.Compute(data), 100), await Store.StatAsync(Digest.Compute(data), Ct));
        Assert.Equal(data, await ReadBlobAsync(Digest.Compute(data)));
        Assert.Null(await Store.GetUploadSizeAsync(id, Ct));
        Assert.Equal(CommitResult.UploadUnknown, await Store.CommitUploadAsync(id, Digest.Compute(data), Ct));
    }

    [StoreFact]
    public async Task Committing_an_existing_blob_drops_the_upload_and_keeps_the_blob()
    {
        var data = TestData.Bytes(1000, 1);
        var digest = await PutBlobAsync(data);
        var second = await StartUploadAsync(data);

        Assert.Equal(CommitResult.AlreadyExists, await Store.CommitUploadAsync(second, digest, Ct));

        Assert.Null(await Store.GetUploadSizeAsync(second, Ct));
        Assert.Equal(data, await ReadBlobAsync(digest));
    }

    [StoreFact]
    public async Task The_empty_blob_and_sha512_blobs_are_blobs_too()
    {
        var empty = await PutBlobAsync([]);
        Assert.Equal(0, (await Store.StatAsync(empty, Ct))!.Size);
        Assert.Empty(await ReadBlobAsync(empty));

        var data = TestData.Bytes(77, 5);
        var sha512 = await PutBlobAsync(data, Digest.Sha512);
        Assert.Equal(data, await ReadBlobAsync(sha512));
        Assert.Null(await Store.StatAsync(Digest.Compute(data, Digest.Sha256), Ct));
    }

    [StoreFact]
    public async Task Ranges_read_from_their_offset_and_independently()
    {
        var data = TestData.Bytes(2 * MiB + 17, 1);
        var content = await Store.OpenAsync(await PutBlobAsync(data), Ct);
        Assert.NotNull(content);
        Assert.Equal(data.Length, content.Length);

        foreach (long offset in new long[] { 0, 1, MiB, data.Length - 1 })
        {
            int length = (int)Math.Min(1000, data.Length - offset);
            await using var stream = await content.OpenRange(offset, length, Ct);
            var read = new byte[length];
            await stream.ReadExactlyAsync(read, Ct);
            Assert.Equal(data.AsSpan((int)offset, length).ToArray(), read);
        }

        await using var atEnd = await content.OpenRange(data.Length, 0, Ct);
        Assert.Equal(0, await atEnd.ReadAsync(new byte[1], Ct));

        await using var first = await content.OpenRange(10, 5, Ct);
        await using var second = await content.OpenRange(20, 5, Ct);
        var a = new byte[5];
        var b = new byte[5];
        await second.ReadExactlyAsync(b, Ct);
        await first.ReadExactlyAsync(a, Ct);
        Assert.Equal(data[10..15], a);
        Assert.Equal(data[20..25], b);
    }

    [StoreFact]
    public async Task Delete_removes_only_that_blob()
    {
        var doomed = await PutBlobAsync(TestData.Bytes(10, 1));
        var kept = await PutBlobAsync(TestData.Bytes(10, 2));

        Assert.True(await Store.DeleteAsync(doomed, Ct));

        Assert.Null(await Store.StatAsync(doomed, Ct));
        Assert.Null(await Store.OpenAsync(doomed, Ct));
        Assert.False(await Store.DeleteAsync(doomed, Ct));
        Assert.NotNull(await Store.StatAsync(kept, Ct));
        await PutBlobAsync(TestData.Bytes(10, 1)); // and the digest can be pushed again
    }

    [StoreFact]
    public async Task Uploads_are_independent_and_deletable()
    {
        var a = await StartUploadAsync(TestData.Bytes(3, 1));
        var b = await StartUploadAsync(TestData.Bytes(5, 2));
        await Store.AppendUploadAsync(a, 3, new MemoryStream([9]), null, Ct);

        Assert.Equal(4, await Store.GetUploadSizeAsync(a, Ct));
        Assert.Equal(5, await Store.GetUploadSizeAsync(b, Ct));
        Assert.True(await Store.DeleteUploadAsync(a, Ct));
        Assert.False(await Store.DeleteUploadAsync(a, Ct));
        Assert.Null(await Store.GetUploadSizeAsync(a, Ct));
        Assert.Equal(5, await Store.GetUploadSizeAsync(b, Ct));
    }

    [StoreFact]
    public async Task Concurrent_commits_of_one_digest_store_it_once()
    {
        for (int round = 0; round < 20; round++)
        {
            var data = TestData.Bytes(64 * 1024, round);
            var digest = Digest.Compute(data);
            var uploads = new[] { await StartUploadAsync(data), await StartUploadAsync(data) };
            using var start = new Barrier(uploads.Length);

            var results = await Task.WhenAll(uploads.Select(id => Task.Run(async () =>
            {
                start.SignalAndWait(Ct);
                return await Store.CommitUploadAsync(id, digest, Ct);
            })));

            Assert.Equal([CommitResult.Committed, CommitResult.AlreadyExists], results.Order());
            Assert.Equal(data, await ReadBlobAsync(digest));
            foreach (var id in uploads) Assert.Null(await Store.GetUploadSizeAsync(id, Ct));
        }
    }

    [StoreTheory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("/etc/passwd")]
    [InlineData("a b")]
    [InlineData("a\0b")]
    [InlineData("abc.def")]
    [InlineData("ünïcode")]
    public async Task Unsafe_upload_ids_are_refused(string id)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateUploadAsync(id, Ct));
        // An unsafe id cannot name an upload, so looking one up finds none rather than failing.
        Assert.Null(await Store.GetUploadSizeAsync(id, Ct));
        Assert.Null(await Store.AppendUploadAsync(id, 0, new MemoryStream([1]), null, Ct));
        Assert.Null(await Store.OpenUploadAsync(id, Ct));
        Assert.Equal(CommitResult.UploadUnknown, await Store.CommitUploadAsync(id, TestData.DigestOf("x"), Ct));
        Assert.False(await Store.DeleteUploadAsync(id, Ct));
    }

    [StoreFact]
    public async Task Upload_ids_are_tokens_of_up_to_128_characters()
    {
        foreach (var id in new[] { new string('a', 128), "A-z_0", "0", Guid.NewGuid().ToString() })
        {
            await Store.CreateUploadAsync(id, Ct);
            Assert.Equal(0, await Store.GetUploadSizeAsync(id, Ct));
        }
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateUploadAsync(new string('a', 129), Ct));
    }
}

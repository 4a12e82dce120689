using System.Diagnostics;
using Amazon.S3;
using Wharf.Core;
using Wharf.Storage.S3;
using Xunit.Abstractions;

namespace Wharf.Storage.Conformance;

/// <summary>What only an object store can get wrong: part boundaries, replicas, multipart assembly, throttling, redirects.</summary>
[NeedsEnvironment(TestS3.Variable, TestS3.Hint)]
public sealed class S3BlobStoreBehaviourTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private static CancellationToken Ct => CancellationToken.None;

    private readonly List<S3BlobStore> _stores = [];
    private S3BlobStoreOptions _options = null!;

    public Task InitializeAsync()
    {
        _options = TestS3.Options(GetType()) with { PartSize = S3BlobStoreOptions.MinPartSize };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await TestS3.DeletePrefixAsync(_options);
        foreach (var store in _stores) store.Dispose();
    }

    /// <summary>A store on the test's prefix with its own client: another replica, as far as the bucket can tell.</summary>
    private S3BlobStore NewStore(S3BlobStoreOptions? options = null)
    {
        options ??= _options;
        var store = new S3BlobStore(options, S3ClientFactory.Create(options));
        _stores.Add(store);
        return store;
    }

    private static async Task<byte[]> ReadAllAsync(Stream? stream)
    {
        Assert.NotNull(stream);
        await using (stream) return await TestData.ReadAllAsync(stream);
    }

    private static async Task<byte[]> ReadBlobAsync(IBlobStore store, Digest digest)
    {
        var content = await store.OpenAsync(digest, Ct);
        Assert.NotNull(content);
        return await ReadAllAsync(await content.OpenRange(0, content.Length, Ct));
    }

    private async Task<List<long>> PartSizesAsync(string uploadId)
    {
        using var s3 = S3ClientFactory.Create(_options);
        var parts = await TestS3.ListAsync(s3, _options, NewStore().Keys.Upload(uploadId) + "parts/");
        return parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Size ?? -1).ToList();
    }

    private async Task<string> BlobETagAsync(Digest digest)
    {
        using var s3 = S3ClientFactory.Create(_options);
        return (await s3.GetObjectMetadataAsync(_options.Bucket, NewStore().Keys.Blob(digest), Ct)).ETag;
    }

    [StoreFact]
    public async Task Part_boundaries_follow_the_part_size_not_the_clients_chunks()
    {
        var store = NewStore();
        int[] chunks = [MiB + 7, 3 * MiB - 1, 2 * MiB + 5, 700 * 1024, 6 * MiB + 11, 1, 333];
        var data = TestData.Bytes(chunks.Sum(), 3);
        var id = Guid.NewGuid().ToString("N");
        await store.CreateUploadAsync(id, Ct);

        long size = 0;
        foreach (int chunk in chunks)
        {
            // Short reads inside each chunk too, as from a socket.
            var grown = await store.AppendUploadAsync(id, size, new TrickleStream(data[(int)size..(int)(size + chunk)], 64 * 1024 + 3), null, Ct);
            size += chunk;
            Assert.Equal(size, grown);
            Assert.Equal(size, await store.GetUploadSizeAsync(id, Ct));
        }

        // Every full part is exactly the part size; the rest waits in the tail.
        var parts = await PartSizesAsync(id);
        Assert.Equal(Enumerable.Repeat((long)S3BlobStoreOptions.MinPartSize, data.Length / S3BlobStoreOptions.MinPartSize), parts);
        Assert.Equal(data, await ReadAllAsync(await store.OpenUploadAsync(id, Ct)));

        var digest = Digest.Compute(data);
        Assert.Equal(CommitResult.Committed, await store.CommitUploadAsync(id, digest, Ct));
        Assert.Equal(data, await ReadBlobAsync(store, digest));
        // The blob is a multipart object of the full parts plus the tail.
        Assert.EndsWith($"-{parts.Count + 1}\"", await BlobETagAsync(digest));
        Assert.Empty(await PartSizesAsync(id));
        Assert.Null(await store.GetUploadSizeAsync(id, Ct));
    }

    [StoreFact]
    public async Task Another_replica_continues_reads_and_commits_an_upload()
    {
        var (first, second) = (NewStore(), NewStore());
        var data = TestData.Bytes(11 * MiB + 3, 4);
        var id = Guid.NewGuid().ToString("N");
        await first.CreateUploadAsync(id, Ct);
        int split = 6 * MiB + 1; // one full part and a tail
        Assert.Equal(split, await first.AppendUploadAsync(id, 0, new MemoryStream(data[..split]), null, Ct));

        Assert.Equal(split, await second.GetUploadSizeAsync(id, Ct));
        Assert.Equal(data[..split], await ReadAllAsync(await second.OpenUploadAsync(id, Ct)));
        Assert.Equal(data.Length, await second.AppendUploadAsync(id, split, new MemoryStream(data[split..]), null, Ct));

        Assert.Equal(data.Length, await first.GetUploadSizeAsync(id, Ct));
        var digest = Digest.Compute(data);
        Assert.Equal(CommitResult.Committed, await first.CommitUploadAsync(id, digest, Ct));
        Assert.Equal(data, await ReadBlobAsync(second, digest));
    }

    [StoreFact]
    public async Task A_body_that_breaks_mid_append_keeps_every_full_part_and_nothing_half_written()
    {
        var store = NewStore();
        var data = TestData.Bytes(12 * MiB, 5);
        var id = Guid.NewGuid().ToString("N");
        await store.CreateUploadAsync(id, Ct);
        Assert.Equal(2 * MiB, await store.AppendUploadAsync(id, 0, new MemoryStream(data[..(2 * MiB)]), null, Ct));

        // The client goes away 9 MiB into a 10 MiB chunk: with the 2 MiB before, two parts were full by then.
        await Assert.ThrowsAsync<IOException>(() => store.AppendUploadAsync(id, 2 * MiB, new BreakingStream(data[(2 * MiB)..], 9 * MiB), null, Ct));

        var size = await NewStore().GetUploadSizeAsync(id, Ct);
        Assert.Equal(2 * S3BlobStoreOptions.MinPartSize, size);
        Assert.Equal(data[..(int)size!], await ReadAllAsync(await NewStore().OpenUploadAsync(id, Ct)));
        // The client resumes from there, as the spec's upload status tells it to.
        Assert.Equal(data.Length, await store.AppendUploadAsync(id, size.Value, new MemoryStream(data[(int)size..]), null, Ct));
        Assert.Equal(CommitResult.Committed, await store.CommitUploadAsync(id, Digest.Compute(data), Ct));
        Assert.Equal(data, await ReadBlobAsync(store, Digest.Compute(data)));
    }

    [StoreFact]
    public async Task Commit_assembles_many_parts_reading_every_page_of_the_part_list()
    {
        // Pages of two parts: a commit that read only the first page would complete a truncated blob.
        var store = NewStore(_options with { ListPageSize = 2, CopyConcurrency = 3 });
        var data = TestData.Bytes(5 * S3BlobStoreOptions.MinPartSize + 12345, 6);
        var id = Guid.NewGuid().ToString("N");
        await store.CreateUploadAsync(id, Ct);
        await store.AppendUploadAsync(id, 0, new MemoryStream(data), null, Ct);

        var digest = Digest.Compute(data);
        Assert.Equal(CommitResult.Committed, await store.CommitUploadAsync(id, digest, Ct));

        Assert.EndsWith("-6\"", await BlobETagAsync(digest));
        Assert.Equal(new BlobInfo(digest, data.Length), await store.StatAsync(digest, Ct));
        Assert.Equal(data, await ReadBlobAsync(store, digest));
    }

    [StoreFact]
    public async Task Throttling_is_retried_with_backoff_and_never_reaches_the_caller()
    {
        // Every kind of write the store makes is answered with SlowDown once: part and tail PUTs, part copies,
        // completion.
        await using var proxy = new SlowDownProxy(_options.Endpoint!, line => line.StartsWith("PUT ", StringComparison.Ordinal) || line.StartsWith("POST ", StringComparison.Ordinal), times: 6);
        var store = NewStore(_options with { Endpoint = proxy.Endpoint });
        var data = TestData.Bytes(S3BlobStoreOptions.MinPartSize + 100, 7);
        var id = Guid.NewGuid().ToString("N");

        await store.CreateUploadAsync(id, Ct);
        Assert.Equal(data.Length, await store.AppendUploadAsync(id, 0, new MemoryStream(data), null, Ct));
        Assert.Equal(CommitResult.Committed, await store.CommitUploadAsync(id, Digest.Compute(data), Ct));

        Assert.Equal(6, proxy.Throttled);
        Assert.Equal(data, await ReadBlobAsync(NewStore(), Digest.Compute(data)));
    }

    [StoreFact]
    public async Task Without_retries_the_injected_SlowDown_is_what_the_caller_sees()
    {
        // The other half of the retry test: the proxy really throttles, so the retries above are what hid it.
        await using var proxy = new SlowDownProxy(_options.Endpoint!, line => line.StartsWith("PUT ", StringComparison.Ordinal), times: 1);
        var store = NewStore(_options with { Endpoint = proxy.Endpoint, MaxRetries = 0 });
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => store.CreateUploadAsync(Guid.NewGuid().ToString("N"), Ct));
        Assert.Equal("SlowDown", error.ErrorCode);
        Assert.Equal(1, proxy.Throttled);
    }

    [StoreFact]
    public async Task A_presigned_redirect_serves_the_blob_to_curl()
    {
        var store = NewStore(_options with { RedirectGets = true });
        var data = TestData.Bytes(3 * MiB + 5, 8);
        var digest = Digest.Compute(data);
        var id = Guid.NewGuid().ToString("N");
        await store.CreateUploadAsync(id, Ct);
        await store.AppendUploadAsync(id, 0, new MemoryStream(data), null, Ct);
        await store.CommitUploadAsync(id, digest, Ct);

        var content = await store.OpenAsync(digest, Ct);
        Assert.NotNull(content?.RedirectUri);
        Assert.Null((await NewStore().OpenAsync(digest, Ct))?.RedirectUri); // off by default

        Assert.Equal(data, await CurlAsync(content.RedirectUri, null));
        Assert.Equal(data[1000..2000], await CurlAsync(content.RedirectUri, "1000-1999"));
        // The signature covers the key: another blob's name with this signature is refused.
        var tampered = new Uri(content.RedirectUri.ToString().Replace(digest.Hex, new string('0', 64), StringComparison.Ordinal));
        await Assert.ThrowsAsync<InvalidOperationException>(() => CurlAsync(tampered, null));
    }

    private static async Task<byte[]> CurlAsync(Uri url, string? range)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-sS", "--fail", "-o", "-" }) info.ArgumentList.Add(arg);
        if (range is not null)
        {
            info.ArgumentList.Add("-r");
            info.ArgumentList.Add(range);
        }
        info.ArgumentList.Add(url.ToString());
        using var process = Process.Start(info) ?? throw new InvalidOperationException("curl did not start (is it installed? ./test installs it)");
        using var body = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(body);
        string errors = await process.StandardError.ReadToEndAsync();
        await copy;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"curl exited {process.ExitCode}: {errors}");
        return body.ToArray();
    }

    [StoreFact]
    public async Task Throughput_of_a_64_MiB_upload_and_commit()
    {
        // Not a benchmark: a figure in the test log, so a regression in how parts move is visible.
        var store = NewStore(_options with { PartSize = S3BlobStoreOptions.DefaultPartSize });
        const long Length = 64L * MiB;
        var id = Guid.NewGuid().ToString("N");
        await store.CreateUploadAsync(id, Ct);
        using var hash = Digest.CreateHash(Digest.Sha256);
        var clock = Stopwatch.StartNew();
        await store.AppendUploadAsync(id, 0, new PatternStream(9, Length), span => hash.AppendData(span), Ct);
        var appended = clock.Elapsed;
        var digest = Digest.FromHash(Digest.Sha256, hash.GetHashAndReset());
        Assert.Equal(CommitResult.Committed, await store.CommitUploadAsync(id, digest, Ct));
        output.WriteLine($"64 MiB: append {appended.TotalSeconds:F1} s ({Length / MiB / appended.TotalSeconds:F0} MiB/s), commit {(clock.Elapsed - appended).TotalSeconds:F1} s");
        Assert.Equal(Length, (await store.StatAsync(digest, Ct))!.Size);
    }
}

/// <summary>A body that hands out its bytes and then fails, as a client connection that drops mid-request.</summary>
internal sealed class BreakingStream(byte[] data, int breakAfter) : Stream
{
    private int _position;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position >= breakAfter) throw new IOException("the client went away");
        int n = Math.Min(Math.Min(count, breakAfter - _position), 256 * 1024);
        data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
        _position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

using System.Diagnostics;
using Wharf.Core;
using Wharf.Storage.S3;
using Xunit.Abstractions;

namespace Wharf.Storage.Conformance;

/// <summary>
/// A blob larger than S3's 5 GB single-copy limit, generated and streamed (never in memory), committed through
/// the multipart-copy path. About 3 minutes on a quiet 2-core machine (append 112 s, commit 55 s, mostly Swift's
/// time), so it is opt-in (WHARF_TEST_S3_LARGE=1) for a plain `dotnet test`; ./test sets it and runs this test
/// on its own, beside the second end-to-end run.
/// </summary>
public sealed class S3LargeBlobTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const string Variable = "WHARF_TEST_S3_LARGE";
    private const long Length = 6L << 30;
    private const int Chunk = 256 * 1024 * 1024 + 13; // what one PATCH might carry; never a multiple of a part

    private S3BlobStoreOptions _options = null!;

    public Task InitializeAsync()
    {
        _options = TestS3.Options(GetType()) with { PartSize = 64 * 1024 * 1024 };
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => TestS3.DeletePrefixAsync(_options);

    [LargeS3Fact]
    public async Task A_6_GiB_blob_commits_through_multipart_copy()
    {
        using var store = new S3BlobStore(_options, S3ClientFactory.Create(_options));
        var ct = CancellationToken.None;
        const ulong Seed = 0x5EED;
        var id = Guid.NewGuid().ToString("N");
        await store.CreateUploadAsync(id, ct);

        using var hash = Digest.CreateHash(Digest.Sha256);
        var clock = Stopwatch.StartNew();
        for (long offset = 0; offset < Length; offset += Chunk)
        {
            long end = Math.Min(offset + Chunk, Length);
            var chunk = new PatternStream(Seed, end);
            chunk.Skip(offset);
            Assert.Equal(end, await store.AppendUploadAsync(id, offset, chunk, span => hash.AppendData(span), ct));
        }
        var appended = clock.Elapsed;
        var digest = Digest.FromHash(Digest.Sha256, hash.GetHashAndReset());
        Assert.Equal(CommitResult.Committed, await store.CommitUploadAsync(id, digest, ct));
        var committed = clock.Elapsed - appended;
        output.WriteLine($"6 GiB: append {appended.TotalSeconds:F0} s ({6144 / appended.TotalSeconds:F0} MiB/s), commit (multipart copy) {committed.TotalSeconds:F0} s");

        Assert.Equal(new BlobInfo(digest, Length), await store.StatAsync(digest, ct));
        Assert.Null(await store.GetUploadSizeAsync(id, ct));
        // Spot checks across the blob, at part boundaries and the very end, instead of reading 6 GiB back.
        var content = await store.OpenAsync(digest, ct);
        foreach (long at in new[] { 0L, _options.PartSize - 10, 5L * 1024 * 1024 * 1024 + 7, Length - 4096 })
        {
            await using var range = await content!.OpenRange(at, 4096, ct);
            var read = new byte[4096];
            await range.ReadExactlyAsync(read, ct);
            Assert.Equal(PatternStream.Slice(Seed, at, 4096), read);
        }
    }
}

/// <summary>Runs only with WHARF_TEST_S3_LARGE set (then the S3 endpoint must be there too), in CI or not.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LargeS3FactAttribute : FactAttribute
{
    public LargeS3FactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(S3LargeBlobTests.Variable)))
            Skip = $"opt-in: set {S3LargeBlobTests.Variable}=1 (and run Swift, e.g. through ./test) to commit a 6 GiB blob through multipart copy";
    }
}

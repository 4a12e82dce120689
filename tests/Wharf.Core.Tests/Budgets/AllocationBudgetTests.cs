using Wharf.Storage.FileSystem;

namespace Wharf.Core.Tests.Budgets;

/// <summary>
/// Bytes allocated per operation on the hot paths that bench/Wharf.Benchmarks times, against a budget: a change
/// that starts buffering a blob or copying a manifest twice fails here instead of showing up later as memory growth.
/// Budgets are about twice what the code allocated when they were set (208 B per digest, 344 B per running hash,
/// 9.3 KB per manifest, 7.0 KB per index, 440 B per route and digest, nothing per name and tag); GC counters make
/// them exact, not timing-dependent.
/// </summary>
[Collection(AllocationBudgets.Alone)]
public class AllocationBudgetTests
{
    private static readonly byte[] Blob = HotPathInputs.Blob();

    [Fact]
    public void Hashing_64_MiB_allocates_no_more_than_a_digest() =>
        AssertBudget(512, () => Digest.Compute(Blob), calls: 2);

    [Fact]
    public void Hashing_64_MiB_chunk_by_chunk_allocates_no_more_than_a_hash_and_a_digest() =>
        AssertBudget(1_024, () =>
        {
            using var hash = Digest.CreateHash(Digest.Sha256);
            for (int at = 0; at < Blob.Length; at += HotPathInputs.ChunkBytes) hash.AppendData(Blob, at, HotPathInputs.ChunkBytes);
            Digest.FromHash(Digest.Sha256, hash.GetHashAndReset());
        }, calls: 2);

    [Fact]
    public void Parsing_an_image_manifest_stays_within_budget()
    {
        var manifest = HotPathInputs.ImageManifest();
        AssertBudget(20_000, () => Assert.True(ManifestParser.Parse(manifest, MediaTypes.OciManifest).Ok));
    }

    [Fact]
    public void Parsing_an_index_stays_within_budget()
    {
        var index = HotPathInputs.ImageIndex();
        AssertBudget(16_000, () => Assert.True(ManifestParser.Parse(index, MediaTypes.OciIndex).Ok));
    }

    [Fact]
    public void Checking_a_name_and_a_tag_allocates_nothing() =>
        AssertBudget(0, () => Assert.True(Reference.IsValidName(HotPathInputs.Name) && Reference.IsValidTag(HotPathInputs.Tag)));

    [Fact]
    public void Matching_a_route_and_parsing_a_digest_stay_within_budget() =>
        AssertBudget(1_024, () => Assert.True(OciRoute.TryMatch(HotPathInputs.BlobPath, out _) && Digest.TryParse(HotPathInputs.DigestText, out _)));

    /// <summary>
    /// Invariant 3 (constant memory): appending 64 MiB allocates a bounded amount, whatever the blob's size. The store
    /// writes on pool threads, so this counts every thread's allocations; the collection runs alone for that.
    /// </summary>
    [Fact]
    public async Task Appending_64_MiB_in_1_MiB_patches_allocates_far_less_than_the_blob()
    {
        using var root = new TempDirectory("wharf-budget");
        var store = new FileSystemBlobStore(root.Path);
        async Task AppendAsync()
        {
            string id = Guid.NewGuid().ToString("N");
            await store.CreateUploadAsync(id, CancellationToken.None);
            for (int at = 0; at < Blob.Length; at += HotPathInputs.ChunkBytes)
            {
                using var chunk = new MemoryStream(Blob, at, HotPathInputs.ChunkBytes, writable: false);
                await store.AppendUploadAsync(id, at, chunk, observe: null, CancellationToken.None);
            }
            await store.DeleteUploadAsync(id, CancellationToken.None);
        }
        await AppendAsync(); // fills the buffer pool and JITs the path
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await AppendAsync();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        // About 1 KiB per PATCH plus, now and then, a pool miss of a 1 MiB buffer (the pool is per thread and
        // per core, and the writes hop threads): 1.1 MB when set. A store that buffered the blob would take 64 MiB.
        const long Budget = 4 * 1024 * 1024;
        Assert.True(allocated <= Budget, $"appending 64 MiB allocated {allocated:N0} bytes; the budget is {Budget:N0}");
    }

    /// <summary>Runs <paramref name="operation"/> once to warm it up, then asserts its average allocation on this thread.</summary>
    private static void AssertBudget(long budgetBytes, Action operation, int calls = 20)
    {
        operation();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++) operation();
        long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        Assert.True(perCall <= budgetBytes, $"allocated {perCall:N0} bytes per call; the budget is {budgetBytes:N0}");
    }
}

/// <summary>The budget tests count process-wide allocations in one test, so their collection runs by itself.</summary>
[CollectionDefinition(Alone, DisableParallelization = true)]
public sealed class AllocationBudgets
{
    public const string Alone = "allocation budgets";
}

using Wharf.Server.Oci;

namespace Wharf.Server.Tests.Oci;

public class UploadGateTests
{
    private static UploadGate Gate(int limit) => new(new UploadOptions { MaxConcurrentUploads = limit });

    [Fact]
    public void Refuses_past_the_limit_and_admits_again_after_a_release()
    {
        var gate = Gate(2);
        var first = gate.TryEnter();
        var second = gate.TryEnter();
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(gate.TryEnter());
        Assert.Null(gate.TryEnter()); // a refusal takes no slot

        first!.Dispose();
        var third = gate.TryEnter();
        Assert.NotNull(third);
        Assert.Null(gate.TryEnter());
    }

    [Fact]
    public void Releasing_a_slot_twice_frees_it_once()
    {
        var gate = Gate(1);
        var slot = gate.TryEnter();
        slot!.Dispose();
        slot.Dispose();
        Assert.NotNull(gate.TryEnter());
        Assert.Null(gate.TryEnter());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void No_limit_admits_everyone(int limit)
    {
        var gate = Gate(limit);
        var slots = Enumerable.Range(0, 1000).Select(_ => gate.TryEnter()).ToList();
        Assert.All(slots, Assert.NotNull);
        slots.ForEach(s => s!.Dispose());
    }

    [Fact]
    public async Task Concurrent_entries_never_exceed_the_limit()
    {
        var gate = Gate(8);
        int inside = 0, peak = 0;
        await Parallel.ForAsync(0, 2000, async (_, ct) =>
        {
            using var slot = gate.TryEnter();
            if (slot is null) return;
            int now = Interlocked.Increment(ref inside);
            InterlockedMax(ref peak, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
        });
        Assert.InRange(peak, 1, 8);
        Assert.Equal(8, Enumerable.Range(0, 9).Select(_ => gate.TryEnter()).Count(s => s is not null));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}

using BenchmarkDotNet.Attributes;
using Wharf.Core;
using Wharf.Testing;

namespace Wharf.Benchmarks;

/// <summary>
/// SHA-256 of a 64 MiB blob the two ways Wharf computes it: one call over a buffer (monolithic PUTs and manifests),
/// and the upload path's running hash fed one 1 MiB chunk at a time (what the blob store's observer sees).
/// </summary>
[MemoryDiagnoser]
public class DigestBenchmarks
{
    private byte[] _blob = [];

    [GlobalSetup]
    public void Setup() => _blob = HotPathInputs.Blob();

    [Benchmark(Baseline = true)]
    public Digest Compute_64MiB() => Digest.Compute(_blob);

    [Benchmark]
    public Digest Incremental_64MiB_in_1MiB_chunks()
    {
        using var hash = Digest.CreateHash(Digest.Sha256);
        for (int at = 0; at < _blob.Length; at += HotPathInputs.ChunkBytes)
            hash.AppendData(_blob, at, HotPathInputs.ChunkBytes);
        return Digest.FromHash(Digest.Sha256, hash.GetHashAndReset());
    }
}

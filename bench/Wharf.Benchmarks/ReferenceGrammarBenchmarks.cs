using BenchmarkDotNet.Attributes;
using Wharf.Core;
using Wharf.Testing;

namespace Wharf.Benchmarks;

/// <summary>What every /v2 request checks before it touches a store: the route, the name, the tag or digest.</summary>
[MemoryDiagnoser]
public class ReferenceGrammarBenchmarks
{
    [Benchmark]
    public bool Route_manifest() => OciRoute.TryMatch(HotPathInputs.ManifestPath, out _);

    [Benchmark]
    public bool Route_blob() => OciRoute.TryMatch(HotPathInputs.BlobPath, out _);

    [Benchmark]
    public bool Name() => Reference.IsValidName(HotPathInputs.Name);

    [Benchmark]
    public bool Tag() => Reference.IsValidTag(HotPathInputs.Tag);

    [Benchmark]
    public bool Digest_parse() => Digest.TryParse(HotPathInputs.DigestText, out _);

    [Benchmark]
    public bool Reference_parse() => ManifestReference.TryParse(HotPathInputs.Tag, out _);
}

using BenchmarkDotNet.Attributes;
using Wharf.Core;
using Wharf.Testing;

namespace Wharf.Benchmarks;

/// <summary>Parsing and validating what a manifest PUT carries: an eight-layer image manifest and a six-entry index.</summary>
[MemoryDiagnoser]
public class ManifestParseBenchmarks
{
    private readonly byte[] _manifest = HotPathInputs.ImageManifest();
    private readonly byte[] _index = HotPathInputs.ImageIndex();

    [Benchmark]
    public Result<ParsedManifest> Image_manifest() => ManifestParser.Parse(_manifest, MediaTypes.OciManifest);

    [Benchmark]
    public Result<ParsedManifest> Image_index() => ManifestParser.Parse(_index, MediaTypes.OciIndex);
}

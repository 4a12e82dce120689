using BenchmarkDotNet.Attributes;
using Wharf.Storage.FileSystem;
using Wharf.Testing;

namespace Wharf.Benchmarks;

/// <summary>
/// The filesystem store taking 64 MiB into an upload session: as 64 PATCHes of 1 MiB (a chunked push) and as one
/// stream (a monolithic push). Each invocation writes a fresh session in a temp directory on the machine's disk.
/// </summary>
[MemoryDiagnoser]
public class BlobAppendBenchmarks
{
    private readonly TempDirectory _root = new("wharf-bench");
    private FileSystemBlobStore _store = null!;
    private byte[] _blob = [];
    private string _upload = "";

    [GlobalSetup]
    public void Setup()
    {
        _store = new FileSystemBlobStore(_root.Path);
        _blob = HotPathInputs.Blob();
    }

    [GlobalCleanup]
    public void Cleanup() => _root.Dispose();

    [IterationSetup]
    public void NewSession()
    {
        _upload = Guid.NewGuid().ToString("N");
        _store.CreateUploadAsync(_upload, CancellationToken.None).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void DropSession() => _store.DeleteUploadAsync(_upload, CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark]
    public async Task<long?> Append_64MiB_in_1MiB_patches()
    {
        long? size = 0;
        for (int at = 0; at < _blob.Length; at += HotPathInputs.ChunkBytes)
        {
            using var chunk = new MemoryStream(_blob, at, HotPathInputs.ChunkBytes, writable: false);
            size = await _store.AppendUploadAsync(_upload, at, chunk, observe: null, CancellationToken.None);
        }
        return size;
    }

    [Benchmark]
    public async Task<long?> Append_64MiB_as_one_stream()
    {
        using var body = new MemoryStream(_blob, writable: false);
        return await _store.AppendUploadAsync(_upload, 0, body, observe: null, CancellationToken.None);
    }
}

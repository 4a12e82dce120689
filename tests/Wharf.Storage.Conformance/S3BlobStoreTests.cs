using Wharf.Core;
using Wharf.Storage.S3;

namespace Wharf.Storage.Conformance;

/// <summary>The conformance suite on a real S3 endpoint (the local Swift), each test under a fresh key prefix.</summary>
[NeedsEnvironment(TestS3.Variable, TestS3.Hint)]
public sealed class S3BlobStoreTests : BlobStoreConformance
{
    private S3BlobStoreOptions? _options;
    private S3BlobStore? _store;

    protected override Task<IBlobStore> CreateStoreAsync()
    {
        _options = TestS3.Options(GetType());
        _store = new S3BlobStore(_options, S3ClientFactory.Create(_options));
        return Task.FromResult<IBlobStore>(_store);
    }

    protected override async Task DisposeStoreAsync()
    {
        if (_options is not null) await TestS3.DeletePrefixAsync(_options);
        _store?.Dispose();
    }
}

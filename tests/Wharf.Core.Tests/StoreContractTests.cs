namespace Wharf.Core.Tests;

/// <summary>The plain records of IBlobStore and IMetadataStore (behaviour is the conformance suite's).</summary>
public class StoreContractTests
{
    [Fact]
    public void A_manifest_record_is_as_large_as_its_bytes()
    {
        byte[] bytes = "{\"schemaVersion\":2}"u8.ToArray();
        var record = new ManifestRecord(Digest.Compute(bytes), MediaTypes.OciManifest, bytes, null, null, null, DateTimeOffset.UnixEpoch);
        Assert.Equal(bytes.Length, record.Size);
        Assert.True(record.Digest.Matches(record.Content));
    }

    [Fact]
    public void A_put_result_names_nothing_missing_by_default()
    {
        Assert.Null(new ManifestPutResult(ManifestPutOutcome.Stored).Missing);
        var missing = Digest.Compute([]);
        Assert.Equal(missing, new ManifestPutResult(ManifestPutOutcome.BlobUnknown, missing).Missing);
    }
}

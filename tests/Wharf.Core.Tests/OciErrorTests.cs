namespace Wharf.Core.Tests;

public class OciErrorTests
{
    // Wire strings: distribution-spec "Error Codes" table (code-1 … code-14), plus Docker's TAG_INVALID.
    // Statuses: the spec's endpoint table and prose (416 for out-of-order chunks, 400 for bad digests, …).
    [Theory]
    [InlineData(OciErrorCode.BlobUnknown, "BLOB_UNKNOWN", 404)]
    [InlineData(OciErrorCode.BlobUploadInvalid, "BLOB_UPLOAD_INVALID", 400)]
    [InlineData(OciErrorCode.BlobUploadUnknown, "BLOB_UPLOAD_UNKNOWN", 404)]
    [InlineData(OciErrorCode.DigestInvalid, "DIGEST_INVALID", 400)]
    [InlineData(OciErrorCode.ManifestBlobUnknown, "MANIFEST_BLOB_UNKNOWN", 404)]
    [InlineData(OciErrorCode.ManifestInvalid, "MANIFEST_INVALID", 400)]
    [InlineData(OciErrorCode.ManifestUnknown, "MANIFEST_UNKNOWN", 404)]
    [InlineData(OciErrorCode.NameInvalid, "NAME_INVALID", 400)]
    [InlineData(OciErrorCode.NameUnknown, "NAME_UNKNOWN", 404)]
    [InlineData(OciErrorCode.SizeInvalid, "SIZE_INVALID", 400)]
    [InlineData(OciErrorCode.Unauthorized, "UNAUTHORIZED", 401)]
    [InlineData(OciErrorCode.Denied, "DENIED", 403)]
    [InlineData(OciErrorCode.Unsupported, "UNSUPPORTED", 405)]
    [InlineData(OciErrorCode.TooManyRequests, "TOOMANYREQUESTS", 429)]
    [InlineData(OciErrorCode.RangeInvalid, "BLOB_UPLOAD_INVALID", 416)]
    [InlineData(OciErrorCode.TagInvalid, "TAG_INVALID", 400)]
    public void Each_code_has_its_wire_string_and_status(OciErrorCode code, string wire, int status)
    {
        Assert.Equal(wire, OciErrors.Wire(code));
        Assert.Equal(status, OciErrors.Status(code));
        var error = new OciError(code, "m");
        Assert.Equal(wire, error.Wire);
        Assert.Equal(status, error.Status);
    }

    [Fact]
    public void Every_code_is_in_the_table()
    {
        foreach (var code in Enum.GetValues<OciErrorCode>())
        {
            Assert.Matches("^[A-Z_]+$", OciErrors.Wire(code));
            Assert.InRange(OciErrors.Status(code), 400, 499);
        }
    }

    [Fact]
    public void Every_spec_code_can_be_produced()
    {
        string[] spec =
        [
            "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN",
            "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID", "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED",
            "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS",
        ];
        var wires = Enum.GetValues<OciErrorCode>().Select(OciErrors.Wire).ToHashSet();
        Assert.All(spec, code => Assert.Contains(code, wires));
    }

    [Fact]
    public void Factories_set_code_message_and_detail()
    {
        var digest = Digest.Compute([]);
        AssertError(OciErrors.BlobUnknown(digest), OciErrorCode.BlobUnknown, ("digest", digest.ToString()));
        AssertError(OciErrors.UploadUnknown(), OciErrorCode.BlobUploadUnknown);
        AssertError(OciErrors.ManifestUnknown("v1"), OciErrorCode.ManifestUnknown, ("reference", "v1"));
        AssertError(OciErrors.NameUnknown("a/b"), OciErrorCode.NameUnknown, ("name", "a/b"));
        AssertError(OciErrors.NameInvalid("A"), OciErrorCode.NameInvalid, ("name", "A"));
        Assert.Equal("bad", AssertError(OciErrors.DigestInvalid("bad"), OciErrorCode.DigestInvalid).Message);
        Assert.Equal("worse", AssertError(OciErrors.ManifestInvalid("worse"), OciErrorCode.ManifestInvalid).Message);
    }

    private static OciError AssertError(OciError error, OciErrorCode code, (string Key, string Value)? detail = null)
    {
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        if (detail is { } d)
        {
            Assert.NotNull(error.Detail);
            Assert.Equal(d.Value, error.Detail.GetType().GetProperty(d.Key)?.GetValue(error.Detail));
        }
        return error;
    }
}

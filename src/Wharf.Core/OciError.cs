namespace Wharf.Core;

/// <summary>The error codes of the OCI Distribution Spec (plus the ones Docker clients know).</summary>
public enum OciErrorCode
{
    BlobUnknown,
    BlobUploadInvalid,
    BlobUploadUnknown,
    DigestInvalid,
    ManifestBlobUnknown,
    ManifestInvalid,
    ManifestUnknown,
    NameInvalid,
    NameUnknown,
    SizeInvalid,
    Unauthorized,
    Denied,
    Unsupported,
    TooManyRequests,
    RangeInvalid,
    TagInvalid,
    ManifestTooLarge,
    PaginationNumberInvalid,
}

/// <summary>An error as the spec puts it on the wire: code, message, optional detail.</summary>
public sealed record OciError(OciErrorCode Code, string Message, object? Detail = null)
{
    public int Status => OciErrors.Status(Code);
    public string Wire => OciErrors.Wire(Code);
}

/// <summary>The spec's error table, written once: each code's wire name and HTTP status.</summary>
public static class OciErrors
{
    private static readonly Dictionary<OciErrorCode, (string Wire, int Status)> Table = new()
    {
        [OciErrorCode.BlobUnknown] = ("BLOB_UNKNOWN", 404),
        [OciErrorCode.BlobUploadInvalid] = ("BLOB_UPLOAD_INVALID", 400),
        [OciErrorCode.BlobUploadUnknown] = ("BLOB_UPLOAD_UNKNOWN", 404),
        [OciErrorCode.DigestInvalid] = ("DIGEST_INVALID", 400),
        [OciErrorCode.ManifestBlobUnknown] = ("MANIFEST_BLOB_UNKNOWN", 404),
        [OciErrorCode.ManifestInvalid] = ("MANIFEST_INVALID", 400),
        [OciErrorCode.ManifestUnknown] = ("MANIFEST_UNKNOWN", 404),
        [OciErrorCode.NameInvalid] = ("NAME_INVALID", 400),
        [OciErrorCode.NameUnknown] = ("NAME_UNKNOWN", 404),
        [OciErrorCode.SizeInvalid] = ("SIZE_INVALID", 400),
        [OciErrorCode.Unauthorized] = ("UNAUTHORIZED", 401),
        [OciErrorCode.Denied] = ("DENIED", 403),
        [OciErrorCode.Unsupported] = ("UNSUPPORTED", 405),
        [OciErrorCode.TooManyRequests] = ("TOOMANYREQUESTS", 429),
        // Distribution answers an out-of-order chunk with BLOB_UPLOAD_INVALID and 416; clients key on the status.
        [OciErrorCode.RangeInvalid] = ("BLOB_UPLOAD_INVALID", 416),
        [OciErrorCode.TagInvalid] = ("TAG_INVALID", 400),
        // The spec asks for 413 when a manifest is over the registry's limit.
        [OciErrorCode.ManifestTooLarge] = ("SIZE_INVALID", 413),
        [OciErrorCode.PaginationNumberInvalid] = ("PAGINATION_NUMBER_INVALID", 400),
    };

    public static int Status(OciErrorCode code) => Table[code].Status;
    public static string Wire(OciErrorCode code) => Table[code].Wire;

    public static OciError BlobUnknown(Digest digest) => new(OciErrorCode.BlobUnknown, "blob unknown to registry", new { digest = digest.ToString() });
    public static OciError UploadUnknown() => new(OciErrorCode.BlobUploadUnknown, "blob upload unknown to registry");
    public static OciError ManifestUnknown(string reference) => new(OciErrorCode.ManifestUnknown, "manifest unknown", new { reference });
    public static OciError NameUnknown(string name) => new(OciErrorCode.NameUnknown, "repository name not known to registry", new { name });
    public static OciError NameInvalid(string name) => new(OciErrorCode.NameInvalid, "invalid repository name", new { name });
    public static OciError DigestInvalid(string message) => new(OciErrorCode.DigestInvalid, message);
    public static OciError ManifestInvalid(string message) => new(OciErrorCode.ManifestInvalid, message);
}

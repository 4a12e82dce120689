using System.Globalization;
using System.Text.RegularExpressions;
using Wharf.Core;

namespace Wharf.Storage.S3;

/// <summary>
/// The object layout of <see cref="S3BlobStore"/>, written down once (every key starts with the configured prefix):
/// <code>
/// blobs/&lt;alg&gt;/&lt;first two hex&gt;/&lt;hex&gt;      a committed blob, immutable, one object per digest
/// uploads/&lt;id&gt;/tail                        an upload's bytes after its last full part; its metadata is the
///                                          session's state (parts, bytes in parts), so it is the commit point
/// uploads/&lt;id&gt;/parts/&lt;n&gt;                  full parts 1..n of the upload, written once each
/// </code>
/// The same fan-out as the filesystem store, so a bucket and a data directory read alike.
/// </summary>
public sealed partial class S3Keys(string prefix)
{
    private readonly string _prefix = Normalize(prefix);

    public string Prefix => _prefix;

    // Upload ids become key segments, so they are plain tokens: no separators, no dots, bounded length.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex UploadIdRegex();

    public static bool IsSafeUploadId(string? uploadId) => uploadId is not null && UploadIdRegex().IsMatch(uploadId);

    public string Blob(Digest digest)
    {
        if (digest.Algorithm is not { } algorithm || !Digest.IsSupportedAlgorithm(algorithm))
            throw new ArgumentException("digest is not set", nameof(digest));
        return $"{_prefix}blobs/{algorithm}/{digest.Hex[..2]}/{digest.Hex}";
    }

    public string Uploads => _prefix + "uploads/";

    /// <summary>Every key of the upload starts with this; null when the id is not a safe token.</summary>
    public string? Upload(string uploadId) => IsSafeUploadId(uploadId) ? $"{_prefix}uploads/{uploadId}/" : null;

    public static string Tail(string upload) => upload + "tail";

    // Zero-padded so a listing returns parts in order.
    public static string Part(string upload, int number) => upload + "parts/" + number.ToString("D5", CultureInfo.InvariantCulture);

    private static string Normalize(string prefix)
    {
        prefix = prefix.Trim().Trim('/');
        return prefix.Length == 0 ? "" : prefix + "/";
    }
}

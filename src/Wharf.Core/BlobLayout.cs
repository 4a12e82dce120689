using System.Text.RegularExpressions;

namespace Wharf.Core;

/// <summary>
/// Where blob stores keep bytes, written down once for every backend (as distribution's paths.go does), as
/// '/'-separated keys under the store's root (a directory, or a bucket and key prefix):
/// <code>
/// blobs/&lt;alg&gt;/&lt;first two hex&gt;/&lt;hex&gt;   a committed blob, immutable, one per digest
/// uploads/&lt;uploadId&gt;                    the bytes of one upload session: a single file on a filesystem;
///                                       on S3 a folder of uploads/&lt;id&gt;/tail (the bytes after the last full
///                                       part, whose metadata is the session's state and so its commit point)
///                                       and uploads/&lt;id&gt;/parts/&lt;n&gt; (full parts 1..n, written once each)
/// </code>
/// The two-hex fan-out keeps directories (and listings) small, 256 per algorithm, the way distribution and zot
/// do, and makes a bucket and a data directory read alike. Uploads sit beside blobs under one root so that on a
/// filesystem a commit is an atomic rename.
/// </summary>
public static partial class BlobLayout
{
    public const string BlobsDirectory = "blobs";
    public const string UploadsDirectory = "uploads";

    // Upload ids become file names and key segments, so they are plain tokens: no separators, no dots, bounded length.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex UploadIdRegex();

    public static bool IsSafeUploadId(string? uploadId) => uploadId is not null && UploadIdRegex().IsMatch(uploadId);

    /// <summary>A fresh upload id: 32 hex digits, inside the grammar above by construction.</summary>
    public static string NewUploadId() => Guid.NewGuid().ToString("N");

    /// <summary>The key of a committed blob, relative to the store's root.</summary>
    public static string Blob(Digest digest)
    {
        // A parsed Digest is already a known algorithm and lowercase hex; default(Digest) is not.
        if (digest.Algorithm is not { } algorithm || !Digest.IsSupportedAlgorithm(algorithm))
            throw new ArgumentException("digest is not set", nameof(digest));
        return $"{BlobsDirectory}/{algorithm}/{digest.Hex[..2]}/{digest.Hex}";
    }

    /// <summary>The key of an upload session's bytes; null when the id is not a safe token (so it names no upload).</summary>
    public static string? Upload(string uploadId) => IsSafeUploadId(uploadId) ? $"{UploadsDirectory}/{uploadId}" : null;
}

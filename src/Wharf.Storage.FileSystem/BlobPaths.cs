using System.Text.RegularExpressions;
using Wharf.Core;

namespace Wharf.Storage.FileSystem;

/// <summary>
/// The on-disk layout of <see cref="FileSystemBlobStore"/>, written down once:
/// <code>
/// &lt;root&gt;/blobs/&lt;alg&gt;/&lt;first two hex&gt;/&lt;hex&gt;   a committed blob, immutable, one per digest
/// &lt;root&gt;/uploads/&lt;uploadId&gt;                  the bytes of one upload session, a single file
/// </code>
/// Uploads and blobs share one root, so one filesystem, so a commit is an atomic rename. The two-hex fan-out
/// keeps directories small (256 per algorithm) the way distribution and zot do.
/// </summary>
public static partial class BlobPaths
{
    public const string BlobsDirectory = "blobs";
    public const string UploadsDirectory = "uploads";

    // Upload ids become file names, so they are plain tokens: no separators, no dots, bounded length.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex UploadIdRegex();

    public static bool IsSafeUploadId(string? uploadId) => uploadId is not null && UploadIdRegex().IsMatch(uploadId);

    public static string Blob(string root, Digest digest)
    {
        // A parsed Digest is already a known algorithm and lowercase hex; default(Digest) is not.
        if (digest.Algorithm is not { } algorithm || !Digest.IsSupportedAlgorithm(algorithm))
            throw new ArgumentException("digest is not set", nameof(digest));
        return Contain(root, Path.Combine(root, BlobsDirectory, algorithm, digest.Hex[..2], digest.Hex));
    }

    /// <summary>The upload's file, or null when the id is not a safe token (so it cannot name any upload).</summary>
    public static string? Upload(string root, string uploadId) =>
        IsSafeUploadId(uploadId) ? Contain(root, Path.Combine(root, UploadsDirectory, uploadId)) : null;

    // Belt and braces: the grammars above already exclude "..", but no path may leave the root whatever changes.
    private static string Contain(string root, string path)
    {
        var full = Path.GetFullPath(path);
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal)) throw new ArgumentException($"path '{path}' resolves outside the store root");
        return full;
    }
}

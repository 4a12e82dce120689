using Wharf.Core;

namespace Wharf.Storage.FileSystem;

/// <summary>
/// The <see cref="BlobLayout"/> keys as paths under the <see cref="FileSystemBlobStore"/> root, each checked to
/// stay inside it.
/// </summary>
public static class BlobPaths
{
    public const string BlobsDirectory = BlobLayout.BlobsDirectory;
    public const string UploadsDirectory = BlobLayout.UploadsDirectory;

    public static string Blob(string root, Digest digest) => Contain(root, Path.Combine(root, BlobLayout.Blob(digest)));

    /// <summary>The upload's file, or null when the id is not a safe token (so it cannot name any upload).</summary>
    public static string? Upload(string root, string uploadId) =>
        BlobLayout.Upload(uploadId) is { } key ? Contain(root, Path.Combine(root, key)) : null;

    // Belt and braces: the layout's grammars already exclude "..", but no path may leave the root whatever changes.
    private static string Contain(string root, string path)
    {
        var full = Path.GetFullPath(path);
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal)) throw new ArgumentException($"path '{path}' resolves outside the store root");
        return full;
    }
}

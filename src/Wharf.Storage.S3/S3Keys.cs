using System.Globalization;
using Wharf.Core;

namespace Wharf.Storage.S3;

/// <summary>
/// The <see cref="BlobLayout"/> keys as object keys of <see cref="S3BlobStore"/>: every key starts with the
/// configured prefix, and an upload is a folder holding its tail and its parts.
/// </summary>
public sealed class S3Keys(string prefix)
{
    private readonly string _prefix = Normalize(prefix);

    public string Prefix => _prefix;

    public string Blob(Digest digest) => _prefix + BlobLayout.Blob(digest);

    /// <summary>Every key of the upload starts with this; null when the id is not a safe token.</summary>
    public string? Upload(string uploadId) => BlobLayout.Upload(uploadId) is { } key ? $"{_prefix}{key}/" : null;

    public static string Tail(string upload) => upload + "tail";

    // Zero-padded so a listing returns parts in order.
    public static string Part(string upload, int number) => upload + "parts/" + number.ToString("D5", CultureInfo.InvariantCulture);

    private static string Normalize(string prefix)
    {
        prefix = prefix.Trim().Trim('/');
        return prefix.Length == 0 ? "" : prefix + "/";
    }
}

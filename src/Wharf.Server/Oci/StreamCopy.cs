using Wharf.Core;

namespace Wharf.Server.Oci;

/// <summary>Copies exactly <c>count</c> bytes with one pooled buffer: memory stays flat whatever the blob size.</summary>
internal static class StreamCopy
{
    public static Task CopyAsync(Stream source, Stream destination, long count, CancellationToken ct) =>
        BlobCopy.CopyAsync(source, destination, null, count, ct);
}

using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Wharf.Server.Http;

/// <summary>
/// The one reader of small request bodies (manifests, policies, admin and promotion requests): read whole, but
/// never more than a bound, so a client cannot make the server buffer an unbounded body.
/// </summary>
public static class BoundedBody
{
    /// <summary>The body, or null when it is over <paramref name="max"/> bytes (refused from Content-Length without reading when it says so).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int max, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > max) return null;
        var writer = new ArrayBufferWriter<byte>((int)Math.Clamp(request.ContentLength ?? 4096, 256, max + 1L));
        while (true)
        {
            int read = await request.Body.ReadAsync(writer.GetMemory(8192), ct);
            if (read == 0) break;
            writer.Advance(read);
            if (writer.WrittenCount > max) return null;
        }
        return writer.WrittenSpan.ToArray();
    }
}

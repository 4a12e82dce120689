using System.Net;
using System.Net.Http.Headers;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>Large uploads of generated content, streamed both ways and never held in memory.</summary>
public static class GeneratedUploads
{
    public static StreamContent Generated(GeneratedStream stream, long? start, long end)
    {
        var content = new StreamContent(stream, 64 * 1024);
        long from = start ?? 0;
        content.Headers.ContentLength = end - from;
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaType.OctetStream);
        if (start is not null) content.Headers.TryAddWithoutValidation("Content-Range", $"{from}-{end - 1}");
        return content;
    }

    public static async Task<Uri> PatchGeneratedAsync(RegistryClient registry, Uri location, ulong seed, long start, long end, CancellationToken ct)
    {
        using var patch = await registry.SendAsync(HttpMethod.Patch, location.ToString(), Generated(new GeneratedStream(seed, start, end), start, end), cancellationToken: ct);
        await OciAssert.Status(patch, HttpStatusCode.Accepted);
        Assert.Equal(end - 1, OciAssert.RangeEnd(patch));
        return registry.Location(patch);
    }

    /// <summary>HEAD says the size and digest; a streamed GET re-hashes to the digest.</summary>
    public static async Task AssertBlobAsync(RegistryClient registry, string repo, string digest, long size, CancellationToken ct)
    {
        using (var head = await registry.HeadAsync($"/v2/{repo}/blobs/{digest}"))
        {
            await OciAssert.Status(head, HttpStatusCode.OK);
            Assert.Equal(size, head.Content.Headers.ContentLength);
            Assert.Equal(digest, OciAssert.Header(head, "Docker-Content-Digest"));
        }
        using var get = await registry.SendAsync(HttpMethod.Get, $"/v2/{repo}/blobs/{digest}", cancellationToken: ct);
        await OciAssert.Status(get, HttpStatusCode.OK);
        await using var body = await get.Content.ReadAsStreamAsync(ct);
        var counting = new CountingStream(body);
        Assert.Equal(digest, await Digests.Sha256Async(counting, ct));
        Assert.Equal(size, counting.Count);
    }

    public sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            Count += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await inner.ReadAsync(buffer, cancellationToken);
            Count += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

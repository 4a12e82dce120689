using System.Net;

namespace Wharf.Client.Tests;

/// <summary>
/// Network faults between the client and the real registry: a request body that breaks after some bytes (a
/// dropped connection mid-chunk), or a response body with a flipped byte (corruption on the wire).
/// </summary>
public sealed class FaultHandler : DelegatingHandler
{
    private int _patches;

    public FaultHandler() : base(new SocketsHttpHandler { AllowAutoRedirect = true }) { }

    /// <summary>The Nth PATCH (1-based) breaks after <see cref="BreakAfterBytes"/> bytes.</summary>
    public int BreakPatchNumber { get; init; }
    public long BreakAfterBytes { get; init; }

    /// <summary>Flip a byte in every blob GET response.</summary>
    public bool CorruptBlobs { get; init; }

    public int Patches => _patches;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Patch && Interlocked.Increment(ref _patches) == BreakPatchNumber && request.Content is { } content)
        {
            var body = await content.ReadAsStreamAsync(cancellationToken);
            var broken = new StreamContent(new BreakingStream(body, BreakAfterBytes));
            foreach (var header in content.Headers) broken.Headers.TryAddWithoutValidation(header.Key, header.Value);
            request.Content = broken;
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (CorruptBlobs && request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Contains("/blobs/sha256:", StringComparison.Ordinal)
            && response.StatusCode is HttpStatusCode.OK or HttpStatusCode.PartialContent)
        {
            byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (bytes.Length > 0) bytes[bytes.Length / 2] ^= 0xFF;
            var corrupted = new ByteArrayContent(bytes);
            foreach (var header in response.Content.Headers) corrupted.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Content = corrupted;
        }
        return response;
    }

    private sealed class BreakingStream(Stream inner, long breakAfter) : Stream
    {
        private long _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= breakAfter) throw new IOException("connection dropped (injected)");
            int n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, breakAfter - _read)], cancellationToken);
            _read += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Wharf.Storage.Conformance;

/// <summary>
/// A loopback TCP proxy in front of the real S3 endpoint that answers chosen requests with 503 SlowDown (S3's
/// throttling answer) a given number of times and passes everything else through untouched. Each request goes
/// upstream on its own connection ("Connection: close"), so every request line can be inspected.
/// </summary>
internal sealed class SlowDownProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly Func<string, bool> _throttle;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _remaining;
    private int _throttled;

    /// <param name="throttle">Given a request line ("PUT /bucket/key?x HTTP/1.1"), whether it may be throttled.</param>
    public SlowDownProxy(Uri upstream, Func<string, bool> throttle, int times)
    {
        _upstream = upstream;
        _throttle = throttle;
        _remaining = times;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Endpoint { get; }

    /// <summary>Requests answered with SlowDown so far.</summary>
    public int Throttled => Volatile.Read(ref _throttled);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var connection = client;
        var ct = _stop.Token;
        try
        {
            var downstream = client.GetStream();
            var (head, extra) = await ReadHeadAsync(downstream, ct);
            if (head is null) return;
            string requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
            if (_throttle(requestLine) && Interlocked.Decrement(ref _remaining) >= 0)
            {
                Interlocked.Increment(ref _throttled);
                await RespondSlowDownAsync(downstream, head, extra, ct);
                return;
            }

            using var upstream = new TcpClient();
            await upstream.ConnectAsync(_upstream.Host, _upstream.Port, ct);
            var up = upstream.GetStream();
            var lines = head.Split("\r\n").Where(l => l.Length > 0 && !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
            await up.WriteAsync(Encoding.Latin1.GetBytes(string.Join("\r\n", lines) + "\r\nConnection: close\r\n\r\n"), ct);
            await up.WriteAsync(extra, ct);
            // The body (if any) flows up while the answer flows down; the answer ends when upstream closes.
            var body = downstream.CopyToAsync(up, ct);
            await up.CopyToAsync(downstream, ct);
            // The answer is complete; the client's side of the pipe ends when this connection closes.
            _ = body.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A client or server that hung up; the SDK sees it as a network error and retries.
        }
    }

    private static async Task RespondSlowDownAsync(NetworkStream downstream, string head, byte[] extra, CancellationToken ct)
    {
        // Read the body the client is sending, unless it waits for "100 Continue" (then it sends none).
        long length = 0;
        foreach (string line in head.Split("\r\n"))
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = long.Parse(line[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        bool expects = head.Contains("Expect: 100-continue", StringComparison.OrdinalIgnoreCase);
        long toDrain = expects ? 0 : length - extra.Length;
        var sink = new byte[64 * 1024];
        while (toDrain > 0)
        {
            int read = await downstream.ReadAsync(sink.AsMemory(0, (int)Math.Min(sink.Length, toDrain)), ct);
            if (read == 0) break;
            toDrain -= read;
        }
        const string Body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>injected</RequestId></Error>";
        string response = $"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: {Encoding.UTF8.GetByteCount(Body)}\r\nConnection: close\r\n\r\n{Body}";
        await downstream.WriteAsync(Encoding.UTF8.GetBytes(response), ct);
    }

    /// <summary>The request head (up to the blank line) and whatever body bytes came with it.</summary>
    private static async Task<(string? Head, byte[] Extra)> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0) return (null, []);
            filled += read;
            int end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0) return (Encoding.Latin1.GetString(buffer, 0, end + 2), buffer[(end + 4)..filled]);
        }
        return (null, []);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

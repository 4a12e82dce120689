using Wharf.Core.Registry;

namespace Wharf.Core.Tests.Registry;

/// <summary>
/// Requests that write one session take turns across nodes (a lease in the shared metadata store), not only
/// within one: two replicas must never append the same chunk at once, each with its own view of the hash.
/// </summary>
public sealed class UploadTurnTests : RegistryHarness
{
    private const string Repo = "team/model";

    [Fact]
    public async Task The_same_chunk_sent_to_two_nodes_at_once_is_appended_once()
    {
        var blob = Bytes(4096);
        var (a, b) = (Node(), Node());
        var session = await a.StartAsync(Repo, Ct);

        // a's body stalls halfway, so a holds the session's turn while b's copy of the same chunk arrives.
        var body = new StallingStream(blob, stallAt: 2048);
        var first = a.AppendAsync(Repo, session.Id, 0, body, Ct);
        await body.Stalled.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var second = b.AppendAsync(Repo, session.Id, 0, Body(blob), Ct);
        await Task.Delay(300, Ct);
        Assert.False(second.IsCompleted, "the second node appended while the first was still writing");
        Assert.False(await Node().ExpireAsync(session.Id, Ct), "a session being written on another node is not idle");

        body.Resume();
        Assert.Equal(4096, (await first).Value.Size);
        AssertError(await second, OciErrorCode.RangeInvalid);

        var done = await b.CompleteAsync(Repo, session.Id, Digest.Compute(blob), null, null, Ct);
        Assert.True(done.Ok, done.Error?.Message);
        Assert.Equal(4096, await Metadata.GetLinkedBlobSizeAsync(Repo, Digest.Compute(blob), Ct));
    }

    [Fact]
    public async Task A_finished_request_gives_the_turn_back_at_once()
    {
        var blob = Bytes(3000);
        var (a, b) = (Node(), Node());
        var session = await a.StartAsync(Repo, Ct);
        await a.AppendAsync(Repo, session.Id, 0, Body(blob[..1000]), Ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(2000, (await b.AppendAsync(Repo, session.Id, 1000, Body(blob[1000..2000]), Ct)).Value.Size);
        Assert.True(clock.Elapsed < UploadLeases.Ttl / 2, $"b waited {clock.Elapsed} for a turn nobody held");
        Assert.True(await a.ExpireAsync(session.Id, Ct));
    }

    /// <summary>Hands out the first bytes, then blocks until <see cref="Resume"/>.</summary>
    private sealed class StallingStream(byte[] data, int stallAt) : Stream
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task Stalled => _stalled.Task;

        public void Resume() => _resume.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == stallAt)
            {
                _stalled.TrySetResult();
                await _resume.Task.WaitAsync(cancellationToken);
            }
            int end = _position < stallAt ? stallAt : data.Length;
            int n = Math.Min(buffer.Length, end - _position);
            data.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

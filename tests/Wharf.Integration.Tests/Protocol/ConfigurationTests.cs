using System.Net;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>
/// The server's configuration contract: <c>--config wharf.yaml</c> and <c>WHARF__…</c> environment overrides, seen
/// through the manifest size limit (<c>Limits:MaxManifestBytes</c>); and data that survives a clean restart.
/// </summary>
public sealed class ConfigurationTests(ITestOutputHelper output)
{
    private const int Limit = 4096;

    [Fact]
    public async Task Environment_override_sets_the_manifest_limit()
    {
        await using var server = await WharfProcess.StartAsync(new WharfOptions
        {
            Environment = new Dictionary<string, string> { ["WHARF__LIMITS__MAXMANIFESTBYTES"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        await AssertLimitAsync(server);
    }

    [Fact]
    public async Task Config_file_sets_the_manifest_limit()
    {
        using var dir = new TempDirectory("wharf-e2e");
        string config = Path.Combine(dir.Path, "wharf.yaml");
        await File.WriteAllTextAsync(config, $"Limits:\n  MaxManifestBytes: {Limit}\n");
        await using var server = await WharfProcess.StartAsync(new WharfOptions { ConfigFile = config });
        await AssertLimitAsync(server);
    }

    [Fact]
    public async Task Data_survives_a_restart()
    {
        await using var server = await WharfProcess.StartAsync();
        try
        {
            using (var http = server.CreateClient())
            {
                var registry = new RegistryClient(http);
                var image = Images.Index();
                await registry.PushImageAsync("restart/me", image, "v1");
                await server.RestartAsync();
                using var http2 = server.CreateClient();
                var after = new RegistryClient(http2);
                await after.VerifyImageAsync("restart/me", image, "v1");
                Assert.Equal(["restart/me"], await after.CatalogAsync());
            }
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    [Fact]
    public async Task Blobs_over_MaxBlobBytes_are_SIZE_INVALID_and_leave_nothing()
    {
        const int max = 1024 * 1024;
        await using var server = await WharfProcess.StartAsync(new WharfOptions
        {
            Environment = new Dictionary<string, string> { ["WHARF__LIMITS__MAXBLOBBYTES"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        try
        {
            using var http = server.CreateClient();
            var registry = new RegistryClient(http);
            const string repo = "limits/blobs";
            var atLimit = Blob.Random(max);
            await registry.PushBlobAsync(repo, atLimit);
            var tooBig = Blob.Random(max + 1);
            var before = await RegistrySnapshot.TakeAsync(registry, [repo], [tooBig.Digest]);

            using (var post = await registry.SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={tooBig.Digest}", RegistryClient.Octets(tooBig.Data)))
                await OciAssert.ErrorIn(post, [HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge], "SIZE_INVALID");

            // Chunked: the chunk that crosses the limit is refused and the session dropped.
            var session = await registry.StartUploadAsync(repo);
            using (var first = await registry.SendAsync(HttpMethod.Patch, session.ToString(), RegistryClient.Octets(tooBig.Data, 0, max)))
                await OciAssert.Status(first, HttpStatusCode.Accepted);
            using (var second = await registry.SendAsync(HttpMethod.Patch, session.ToString(), RegistryClient.Octets(tooBig.Data, max, 1)))
                await OciAssert.ErrorIn(second, [HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge], "SIZE_INVALID");
            using (var status = await registry.GetAsync(session.ToString()))
                await OciAssert.Error(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");

            await before.AssertUnchangedAsync(registry, "blobs over the limit");
            Assert.Equal(atLimit.Data, await registry.GetBlobAsync(repo, atLimit.Digest));
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    [Fact]
    public async Task Uploads_over_MaxConcurrentUploads_get_429_TOOMANYREQUESTS_with_Retry_After()
    {
        await using var server = await WharfProcess.StartAsync(new WharfOptions
        {
            Environment = new Dictionary<string, string>
            {
                ["WHARF__LIMITS__MAXCONCURRENTUPLOADS"] = "1",
                // On S3 storage (WHARF_TEST_STORAGE=s3) bytes show in the session a part at a time: the smallest part.
                ["WHARF__STORAGE__S3__PARTSIZE"] = "5242880",
            },
            // The limit is per node (each replica protects its own memory and sockets): one server, no balancer.
            Replicas = 1,
        });
        try
        {
            using var http = server.CreateClient();
            var registry = new RegistryClient(http);
            const string repo = "limits/concurrent";
            var held = Blob.Random(8 * 1024 * 1024);
            var other = Blob.Random(1000);

            // One upload body in flight (a PATCH), held open after 7 MiB ...
            var session = await registry.StartUploadAsync(repo);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var body = new StreamContent(new GatedStream(held.Data, 7 * 1024 * 1024, halfway, gate.Task));
            body.Headers.ContentLength = held.Size;
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(MediaType.OctetStream);
            var first = registry.SendAsync(HttpMethod.Patch, session.ToString(), body);
            await halfway.Task.WaitAsync(TimeSpan.FromSeconds(30));

            // ... and known to be inside the server's handler, holding the only slot, once the session's status (not
            // an upload, so not gated) shows bytes arriving.
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(100))
            {
                using var status = await registry.GetAsync(session.ToString());
                await OciAssert.Status(status, HttpStatusCode.NoContent);
                if (OciAssert.RangeEnd(status) > 0) break;
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the held upload's bytes never reached the session");
            }

            // So a second upload is turned away at once, and told when to come back.
            using (var busy = await registry.SendAsync(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={other.Digest}", RegistryClient.Octets(other.Data)))
            {
                await OciAssert.Error(busy, HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS");
                Assert.NotNull(busy.Headers.RetryAfter);
            }
            Assert.Equal(HttpStatusCode.NotFound, await registry.BlobStatusAsync(repo, other.Digest));

            gate.SetResult();
            Uri location;
            using (var done = await first)
            {
                await OciAssert.Status(done, HttpStatusCode.Accepted);
                location = registry.Location(done);
            }
            using (var put = await registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(location, "digest", held.Digest), RegistryClient.Octets([])))
                await OciAssert.Status(put, HttpStatusCode.Created);

            // The slot is free again.
            await registry.PushBlobAsync(repo, other);
            Assert.Equal(held.Data, await registry.GetBlobAsync(repo, held.Digest));
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    [Fact]
    public async Task Idle_sessions_expire_but_a_slow_upload_in_progress_is_not_cut()
    {
        // DESIGN invariant 4: no fixed timeout cuts a slow large upload; idle and abandoned sessions expire by policy.
        await using var server = await WharfProcess.StartAsync(new WharfOptions
        {
            Environment = new Dictionary<string, string>
            {
                // Long enough that the gap between a POST and its first PATCH on a loaded machine (replicas, S3) is not idleness.
                ["WHARF__UPLOADS__IDLETIMEOUT"] = "00:00:03",
                ["WHARF__UPLOADS__EXPIRYINTERVAL"] = "00:00:00.250",
            },
        });
        try
        {
            using var http = server.CreateClient();
            var registry = new RegistryClient(http);
            const string repo = "limits/expiry";
            var blob = Blob.Random(640 * 1024);

            var abandoned = await registry.StartUploadAsync(repo);
            using (var patch = await registry.SendAsync(HttpMethod.Patch, abandoned.ToString(), RegistryClient.Octets(blob.Data, 0, 1000)))
                await OciAssert.Status(patch, HttpStatusCode.Accepted);

            // One PATCH that trickles its body in over about 6 s, twice the idle timeout.
            var session = await registry.StartUploadAsync(repo);
            var slow = new StreamContent(new TrickleStream(blob.Data, 64 * 1024, TimeSpan.FromMilliseconds(600)));
            slow.Headers.ContentLength = blob.Size;
            slow.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(MediaType.OctetStream);
            Uri location;
            using (var patch = await registry.SendAsync(HttpMethod.Patch, session.ToString(), slow))
            {
                await OciAssert.Status(patch, HttpStatusCode.Accepted);
                Assert.Equal(blob.Size - 1, OciAssert.RangeEnd(patch));
                location = registry.Location(patch);
            }
            using (var put = await registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(location, "digest", blob.Digest), RegistryClient.Octets([])))
                await OciAssert.Status(put, HttpStatusCode.Created);
            Assert.Equal(blob.Data, await registry.GetBlobAsync(repo, blob.Digest));

            // Meanwhile the abandoned session, idle for over 6 s, is gone.
            using (var status = await registry.GetAsync(abandoned.ToString()))
                await OciAssert.Error(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    /// <summary>Hands out <c>data</c> in pieces with a pause before each: a slow client.</summary>
    private sealed class TrickleStream(byte[] data, int piece, TimeSpan pause) : Stream
    {
        private int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= data.Length) return 0;
            await Task.Delay(pause, cancellationToken);
            int n = Math.Min(Math.Min(buffer.Length, piece), data.Length - _position);
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

    /// <summary>Hands out <c>data</c>, stopping at <c>pauseAt</c> until <c>resume</c> completes.</summary>
    private sealed class GatedStream(byte[] data, int pauseAt, TaskCompletionSource reachedPause, Task resume) : Stream
    {
        private int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == pauseAt)
            {
                reachedPause.TrySetResult();
                await resume.WaitAsync(cancellationToken);
            }
            int limit = _position < pauseAt ? pauseAt : data.Length;
            int n = Math.Min(buffer.Length, limit - _position);
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

    private async Task AssertLimitAsync(WharfProcess server)
    {
        try
        {
            using var http = server.CreateClient();
            var registry = new RegistryClient(http);
            const string repo = "limits/test";
            var image = Images.Random(layers: 1);
            foreach (var blob in image.AllBlobs()) await registry.PushBlobAsync(repo, blob);

            var under = Padded(image, Limit);
            using (var ok = await registry.PutManifestAsync(repo, "at-limit", under))
                await OciAssert.Status(ok, HttpStatusCode.Created);

            var over = Padded(image, Limit + 1);
            using (var refused = await registry.PutManifestAsync(repo, "over-limit", over))
                await OciAssert.Status(refused, HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal(["at-limit"], await registry.TagsAsync(repo));
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    private static Blob Padded(TestImage image, int size)
    {
        var manifest = (JsonObject)OciJson.Parse(image.Manifest.Data);
        manifest["annotations"] = new JsonObject { ["p"] = "" };
        int overhead = OciJson.Bytes(manifest).Length;
        manifest["annotations"]!["p"] = new string('x', size - overhead);
        var blob = Blob.Json(manifest, MediaType.OciManifest);
        Assert.Equal(size, blob.Data.Length);
        return blob;
    }
}

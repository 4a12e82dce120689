using System.Net;
using System.Text;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Replicas;

/// <summary>
/// The scale-out shape end to end: three replicas on one PostgreSQL database and one S3 bucket (Swift), behind
/// nginx. A 1 GiB upload whose every PATCH lands on another replica, and a replica killed during 16 pushes.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output)
{
    private const string Nginx = "nginx";
    private static readonly TimeSpan LongRequest = TimeSpan.FromMinutes(10);

    private static async Task<WharfProcess> StartClusterAsync() =>
        await WharfProcess.StartAsync(new WharfOptions { Replicas = 3, Environment = TestStorage.S3Environment() });

    [ToolFact(Prerequisites.Postgres, Prerequisites.S3, Nginx)]
    public async Task A_1_GiB_chunked_push_with_each_PATCH_on_another_replica_verifies()
    {
        Prerequisites.Require(Prerequisites.Postgres, Prerequisites.S3, Nginx);
        await using var cluster = await StartClusterAsync();
        try
        {
            const long size = 1L << 30, chunk = 64L << 20;
            const ulong seed = 0x1_6B;
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
            var replicas = Enumerable.Range(0, 3).Select(i => new RegistryClient(cluster.CreateReplicaClient(i, LongRequest))).ToArray();
            string repo = "cluster/hop";
            var digestTask = GeneratedStream.DigestAsync(seed, size, cts.Token);

            // Request k of the session goes to replica k mod 3: POST on the first, each PATCH on the next one.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int k = 0;
            string location = (await replicas[k++ % 3].StartUploadAsync(repo)).PathAndQuery;
            for (long offset = 0; offset < size; offset += chunk, k++)
            {
                var next = await GeneratedUploads.PatchGeneratedAsync(replicas[k % 3], new Uri(location, UriKind.Relative), seed, offset, Math.Min(offset + chunk, size), cts.Token);
                location = next.PathAndQuery;
            }
            Assert.Equal(17, k); // 16 PATCHes after the POST
            var patched = clock.Elapsed;
            string digest = await digestTask;
            using (var put = await replicas[k % 3].SendAsync(HttpMethod.Put, WithDigest(location, digest), new ByteArrayContent([]), cancellationToken: cts.Token))
                await OciAssert.Status(put, HttpStatusCode.Created);
            var committed = clock.Elapsed;

            // Pulled back through the balancer, and known to every replica.
            using var balanced = cluster.CreateClient(LongRequest);
            await GeneratedUploads.AssertBlobAsync(new RegistryClient(balanced), repo, digest, size, cts.Token);
            foreach (var replica in replicas) Assert.Equal(HttpStatusCode.OK, await replica.BlobStatusAsync(repo, digest));
            output.WriteLine($"1 GiB: PATCHes {patched.TotalSeconds:F0} s, commit {(committed - patched).TotalSeconds:F0} s, pull and verify {(clock.Elapsed - committed).TotalSeconds:F0} s");
        }
        finally
        {
            ServerLog.Write(output, cluster);
        }
    }

    [ToolFact(Prerequisites.Postgres, Prerequisites.S3, Nginx)]
    public async Task Killing_a_replica_during_16_concurrent_pushes_loses_nothing_acknowledged()
    {
        Prerequisites.Require(Prerequisites.Postgres, Prerequisites.S3, Nginx);
        await using var cluster = await StartClusterAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            using var http = cluster.CreateClient(TimeSpan.FromMinutes(2));
            var registry = new RegistryClient(http);
            var pushes = Enumerable.Range(0, 16).Select(i => new Push(i)).ToList();

            // The kill comes once a third of all PATCHes are acknowledged: every push is then mid-upload.
            int acknowledgedPatches = 0;
            var killPoint = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnPatch()
            {
                if (Interlocked.Increment(ref acknowledgedPatches) == pushes.Count * Push.Chunks / 3) killPoint.TrySetResult();
            }
            var running = pushes.Select(p => p.RunAsync(registry, OnPatch, cts.Token)).ToList();
            await killPoint.Task.WaitAsync(cts.Token);
            await cluster.KillReplicaAsync(1);
            int completeAtKill = pushes.Count(p => p.ManifestDigest is not null);
            await Task.WhenAll(running);
            output.WriteLine($"at the kill {completeAtKill} of 16 pushes were complete; interrupted afterwards: "
                + string.Join("; ", pushes.Where(p => p.Failure is not null).Select(p => $"#{p.Index}: {p.Failure}")));
            Assert.True(completeAtKill < pushes.Count, "the replica was killed after every push had finished");

            // Every push that got its 201 is there, through the balancer and on each surviving replica.
            var acknowledged = pushes.Where(p => p.ManifestDigest is not null).ToList();
            Assert.NotEmpty(acknowledged);
            using var replica0 = cluster.CreateReplicaClient(0, LongRequest);
            using var replica2 = cluster.CreateReplicaClient(2, LongRequest);
            foreach (var push in acknowledged) await push.VerifyAsync(registry, cts.Token);
            foreach (var push in acknowledged) await push.VerifyAsync(new RegistryClient(replica2), cts.Token);

            // An interrupted push resumes where the registry says its session is, which is never before what was
            // acknowledged; then every push completes, and the killed replica, started again, serves them all.
            foreach (var push in pushes.Where(p => p.ManifestDigest is null)) await push.ResumeAsync(registry, cts.Token);
            await cluster.RestartReplicaAsync(1, cts.Token);
            using var replica1 = cluster.CreateReplicaClient(1, LongRequest);
            foreach (var push in pushes) await push.VerifyAsync(new RegistryClient(replica1), cts.Token);
            foreach (var push in pushes) await push.VerifyAsync(new RegistryClient(replica0), cts.Token);
        }
        finally
        {
            ServerLog.Write(output, cluster);
        }
    }

    [ToolFact(Prerequisites.Postgres, Prerequisites.S3, Nginx)]
    public async Task Behind_the_trusted_balancer_the_throttle_and_the_audit_log_see_each_client()
    {
        Prerequisites.Require(Prerequisites.Postgres, Prerequisites.S3, Nginx);
        const string password = "cluster-admin-password-1";
        var environment = TestStorage.S3Environment();
        environment["WHARF__AUTH__INITIALADMINNAME"] = "admin";
        environment["WHARF__AUTH__INITIALADMINPASSWORD"] = password;
        environment["WHARF__HTTP__TRUSTEDPROXIES"] = "127.0.0.1";
        await using var cluster = await WharfProcess.StartAsync(new WharfOptions { Replicas = 3, Environment = environment });
        try
        {
            // Two clients on two loopback addresses; nginx (on 127.0.0.1) forwards each one's address.
            using var guesser = FromAddress(cluster, IPAddress.Parse("127.0.0.2"));
            using var owner = FromAddress(cluster, IPAddress.Parse("127.0.0.3"));

            // The guesser is throttled: the throttle is kept per replica, so it takes the free guesses of all three.
            int throttled = 0;
            for (int i = 0; i < 30 && throttled == 0; i++)
            {
                using var guess = await guesser.SendAsync(Login("admin", $"guess-{i}"));
                if (guess.StatusCode == HttpStatusCode.TooManyRequests) throttled++;
                else Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
            }
            Assert.Equal(1, throttled);

            // The owner, behind the same balancer but at another address, logs in at once on every replica.
            for (int i = 0; i < 3; i++)
            {
                using var login = await owner.SendAsync(Login("admin", password));
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            }

            using var auditRequest = Login("admin", password);
            auditRequest.RequestUri = new Uri("/api/v1/audit?limit=1000", UriKind.Relative);
            using var audit = await owner.SendAsync(auditRequest);
            await OciAssert.Status(audit, HttpStatusCode.OK);
            var entries = System.Text.Json.Nodes.JsonNode.Parse(await audit.Content.ReadAsStringAsync())!["entries"]!.AsArray();
            var logins = entries.Where(e => (string?)e!["action"] == "login").ToList();
            Assert.Contains(logins, e => !(bool)e!["allowed"]! && (string?)e["address"] == "127.0.0.2");
            Assert.Contains(logins, e => (bool)e!["allowed"]! && (string?)e["address"] == "127.0.0.3");
            Assert.DoesNotContain(logins, e => (string?)e!["address"] == "127.0.0.1");
        }
        finally
        {
            ServerLog.Write(output, cluster);
        }
    }

    private static HttpRequestMessage Login(string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/auth/token?service=wharf");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return request;
    }

    /// <summary>A client of the balancer whose connections come from <paramref name="source"/>.</summary>
    private static HttpClient FromAddress(WharfProcess cluster, IPAddress source)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(source.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = cluster.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
    }

    private static string WithDigest(string location, string digest) =>
        location + (location.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);

    /// <summary>
    /// One image push of a generated 24 MiB layer in 4 MiB PATCHes, its config and a tagged manifest, remembering
    /// what the registry acknowledged, so it can be checked, or resumed after the replica it talked to died.
    /// </summary>
    private sealed class Push(int index)
    {
        public const int Chunks = 6;
        private const long ChunkSize = 4L << 20, Size = Chunks * ChunkSize;

        private readonly ulong _seed = 0xC1u + (ulong)index;
        private readonly string _repo = $"cluster/kill-{index}";
        private string? _location;
        private long _acknowledged;
        private string? _layerDigest;

        public int Index { get; } = index;
        public string? ManifestDigest { get; private set; }
        public string? Failure { get; private set; }

        public async Task RunAsync(RegistryClient registry, Action onPatch, CancellationToken ct)
        {
            try
            {
                _layerDigest = await GeneratedStream.DigestAsync(_seed, Size, ct);
                _location = (await registry.StartUploadAsync(_repo)).PathAndQuery;
                while (_acknowledged < Size)
                {
                    var next = await GeneratedUploads.PatchGeneratedAsync(registry, new Uri(_location, UriKind.Relative), _seed, _acknowledged, _acknowledged + ChunkSize, ct);
                    _location = next.PathAndQuery;
                    _acknowledged += ChunkSize;
                    onPatch();
                }
                await FinishAsync(registry, ct);
            }
            catch (Exception e) when (e is HttpRequestException or Xunit.Sdk.XunitException or IOException)
            {
                Failure = e.Message.Split('\n')[0];
            }
        }

        /// <summary>Continues from the offset the registry reports for the session (or from scratch if it never had one).</summary>
        public async Task ResumeAsync(RegistryClient registry, CancellationToken ct)
        {
            if (_location is null)
            {
                _location = (await registry.StartUploadAsync(_repo)).PathAndQuery;
            }
            else if (_acknowledged < Size || await registry.BlobStatusAsync(_repo, _layerDigest!) != HttpStatusCode.OK)
            {
                using var status = await registry.GetAsync(_location);
                await OciAssert.Status(status, HttpStatusCode.NoContent);
                // "0-0" is both an empty session and a 1-byte one (as in distribution); a push moves 4 MiB at a time.
                long end = OciAssert.RangeEnd(status), offset = end == 0 ? 0 : end + 1;
                Assert.True(offset >= _acknowledged, $"push #{Index}: the session is at {offset}, but {_acknowledged} bytes were acknowledged");
                _acknowledged = offset;
                _location = registry.Location(status).PathAndQuery;
            }
            while (_acknowledged < Size)
            {
                long end = Math.Min(_acknowledged + ChunkSize, Size);
                _location = (await GeneratedUploads.PatchGeneratedAsync(registry, new Uri(_location, UriKind.Relative), _seed, _acknowledged, end, ct)).PathAndQuery;
                _acknowledged = end;
            }
            await FinishAsync(registry, ct);
        }

        private async Task FinishAsync(RegistryClient registry, CancellationToken ct)
        {
            if (await registry.BlobStatusAsync(_repo, _layerDigest!) != HttpStatusCode.OK)
            {
                using var put = await registry.SendAsync(HttpMethod.Put, WithDigest(_location!, _layerDigest!), new ByteArrayContent([]), cancellationToken: ct);
                await OciAssert.Status(put, HttpStatusCode.Created);
            }
            var config = Encoding.UTF8.GetBytes(
                """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{"Labels":{"push":""" + $"\"{Index}\"" + "}}}");
            string configDigest = Digests.Sha256(config);
            await registry.PushBlobAsync(_repo, config, configDigest);
            var manifest = Encoding.UTF8.GetBytes($$"""
                {"schemaVersion":2,"mediaType":"{{MediaType.OciManifest}}",
                 "config":{"mediaType":"{{MediaType.OciConfig}}","digest":"{{configDigest}}","size":{{config.Length}}},
                 "layers":[{"mediaType":"{{MediaType.OciLayerTar}}","digest":"{{_layerDigest}}","size":{{Size}}}]}
                """);
            using var put2 = await registry.SendAsync(HttpMethod.Put, $"/v2/{_repo}/manifests/v1", RegistryClient.Manifest(manifest, MediaType.OciManifest), cancellationToken: ct);
            await OciAssert.Status(put2, HttpStatusCode.Created);
            ManifestDigest = Digests.Sha256(manifest);
        }

        /// <summary>The tag resolves to the acknowledged manifest, and the layer streams back to its digest.</summary>
        public async Task VerifyAsync(RegistryClient registry, CancellationToken ct)
        {
            using (var head = await registry.HeadAsync($"/v2/{_repo}/manifests/v1", MediaType.OciManifest))
            {
                await OciAssert.Status(head, HttpStatusCode.OK);
                Assert.Equal(ManifestDigest, OciAssert.Header(head, "Docker-Content-Digest"));
            }
            await GeneratedUploads.AssertBlobAsync(registry, _repo, _layerDigest!, Size, ct);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;
using static Wharf.Integration.Tests.Infrastructure.GeneratedUploads;

namespace Wharf.Integration.Tests.Crash;

/// <summary>
/// SIGKILL the server in the middle of large uploads and start it again on the same data: nothing half-written is
/// visible, the upload session still reports its offset and can be resumed, and everything pushed before still
/// verifies byte for byte. The large blob is generated while it streams and never held in memory.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    /// <summary>512 MiB unless <c>WHARF_E2E_CRASH_MIB</c> says otherwise (for quick local runs).</summary>
    private static long LargeSize =>
        long.TryParse(Environment.GetEnvironmentVariable("WHARF_E2E_CRASH_MIB"), NumberStyles.None, CultureInfo.InvariantCulture, out long mib) && mib >= 8
            ? mib * MiB
            : 512 * MiB;

    [Fact]
    public async Task Sigkill_during_a_chunked_upload_leaves_nothing_half_written_and_the_session_resumes()
    {
        long size = LargeSize;
        long chunk = size / 8;           // two acknowledged chunks, then one PATCH with the rest that gets cut
        long cutAfter = size * 3 / 16;   // bytes of that last PATCH handed to the socket before the kill
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var ct = cts.Token;

        await using var server = await WharfProcess.StartAsync(cancellationToken: ct);
        try
        {
            var before = await PushEarlierContentAsync(server, ct);

            ulong seed = GeneratedStream.NewSeed();
            var clock = Stopwatch.StartNew();
            string digest = await GeneratedStream.DigestAsync(seed, size, ct);
            output.WriteLine($"generated {size / MiB} MiB, {digest}, hashed in {clock.Elapsed.TotalSeconds:F1} s");

            Uri session;
            long acknowledged, handedOut;
            using (var http = server.CreateClient(Timeout.InfiniteTimeSpan))
            {
                var registry = new RegistryClient(http);
                session = await registry.StartUploadAsync(Repo);
                var location = await PatchGeneratedAsync(registry, session, seed, 0, chunk, ct);
                location = await PatchGeneratedAsync(registry, location, seed, chunk, 2 * chunk, ct);
                acknowledged = 2 * chunk;

                // The rest in one PATCH, killed part-way through.
                var stream = new GeneratedStream(seed, acknowledged, size);
                var tripped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                stream.TripAt(acknowledged + cutAfter, () => tripped.TrySetResult());
                var patch = registry.SendAsync(HttpMethod.Patch, location.ToString(), Generated(stream, acknowledged, size), cancellationToken: ct);
                var first = await Task.WhenAny(tripped.Task, patch);
                if (first == patch)
                {
                    using var early = await patch;
                    throw new XunitException($"the PATCH ended before the kill: {await OciAssert.Dump(early)}");
                }
                clock.Restart();
                await server.KillAsync();
                // The sender keeps reading until the socket breaks; whatever it read after the process died never
                // arrived, so this is an upper bound of what the server can have received.
                handedOut = stream.Produced;
                output.WriteLine($"killed after {handedOut / MiB} MiB handed out ({acknowledged / MiB} MiB acknowledged)");
                await IgnoreFailureAsync(patch);
            }

            await server.RestartAsync(ct);
            output.WriteLine($"restarted in {clock.Elapsed.TotalSeconds:F1} s");
            using (var http = server.CreateClient(Timeout.InfiniteTimeSpan))
            {
                var registry = new RegistryClient(http);

                // Nothing half-written is visible.
                Assert.Equal(HttpStatusCode.NotFound, await registry.BlobStatusAsync(Repo, digest));
                using (var get = await registry.GetAsync($"/v2/{Repo}/blobs/{digest}"))
                    await OciAssert.Error(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
                await before.Snapshot.AssertUnchangedAsync(registry, "after SIGKILL and restart");

                // The session survived and says how far it got: at least what was acknowledged, at most what was sent.
                long offset;
                Uri resume;
                using (var status = await registry.GetAsync(session.ToString()))
                {
                    await OciAssert.Status(status, HttpStatusCode.NoContent);
                    offset = OciAssert.RangeEnd(status) + 1;
                    resume = registry.Location(status);
                }
                output.WriteLine($"session reports offset {offset} ({offset / MiB} MiB)");
                Assert.InRange(offset, acknowledged, handedOut);

                // Resume from there and finish: the digest must come out right.
                resume = await PatchGeneratedAsync(registry, resume, seed, offset, size, ct);
                using (var put = await registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(resume, "digest", digest), RegistryClient.Octets([]), cancellationToken: ct))
                {
                    await OciAssert.Status(put, HttpStatusCode.Created);
                    Assert.Equal(digest, OciAssert.Header(put, "Docker-Content-Digest"));
                }
                await AssertBlobAsync(registry, Repo, digest, size, ct);

                // Everything pushed before the crash still verifies.
                await before.VerifyAsync(registry, ct);
            }
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    [Fact]
    public async Task Sigkill_during_a_monolithic_put_leaves_no_blob_and_the_push_can_start_over()
    {
        long size = Math.Max(LargeSize / 4, 8 * MiB);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;

        await using var server = await WharfProcess.StartAsync(cancellationToken: ct);
        try
        {
            var before = await PushEarlierContentAsync(server, ct);
            ulong seed = GeneratedStream.NewSeed();
            string digest = await GeneratedStream.DigestAsync(seed, size, ct);

            using (var http = server.CreateClient(Timeout.InfiniteTimeSpan))
            {
                var registry = new RegistryClient(http);
                var session = await registry.StartUploadAsync(Repo);
                var stream = new GeneratedStream(seed, 0, size);
                var tripped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                stream.TripAt(size / 2, () => tripped.TrySetResult());
                var content = new StreamContent(stream, 64 * 1024);
                content.Headers.ContentLength = size;
                content.Headers.ContentType = new MediaTypeHeaderValue(MediaType.OctetStream);
                var put = registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(session, "digest", digest), content, cancellationToken: ct);
                if (await Task.WhenAny(tripped.Task, put) == put)
                {
                    using var early = await put;
                    throw new XunitException($"the PUT ended before the kill: {await OciAssert.Dump(early)}");
                }
                await server.KillAsync();
                await IgnoreFailureAsync(put);
            }

            await server.RestartAsync(ct);
            using (var http = server.CreateClient(Timeout.InfiniteTimeSpan))
            {
                var registry = new RegistryClient(http);
                Assert.Equal(HttpStatusCode.NotFound, await registry.BlobStatusAsync(Repo, digest));
                await before.Snapshot.AssertUnchangedAsync(registry, "after SIGKILL during a PUT");

                // Start over with a fresh session: the whole blob in one PUT.
                var session = await registry.StartUploadAsync(Repo);
                var content = Generated(new GeneratedStream(seed, 0, size), null, size);
                using (var put = await registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(session, "digest", digest), content, cancellationToken: ct))
                    await OciAssert.Status(put, HttpStatusCode.Created);
                await AssertBlobAsync(registry, Repo, digest, size, ct);
                await before.VerifyAsync(registry, ct);
            }
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    private const string Repo = "crash/app";

    /// <summary>What was pushed before the crash: images, an index, a Docker image and a chunked 24 MiB blob.</summary>
    private sealed record EarlierContent(RegistrySnapshot Snapshot, List<(string Repo, string Tag, TestImage Image)> Images, (ulong Seed, long Size, string Digest) Blob)
    {
        public async Task VerifyAsync(RegistryClient registry, CancellationToken ct)
        {
            foreach (var (repo, tag, image) in Images) await registry.VerifyImageAsync(repo, image, tag);
            await AssertBlobAsync(registry, "crash/other", Blob.Digest, Blob.Size, ct);
        }
    }

    private static async Task<EarlierContent> PushEarlierContentAsync(WharfProcess server, CancellationToken ct)
    {
        using var http = server.CreateClient(Timeout.InfiniteTimeSpan);
        var registry = new RegistryClient(http);
        var images = new List<(string, string, TestImage)>
        {
            (Repo, "v1", Images.Random(layers: 3)),
            (Repo, "multi", Images.Index()),
            ("crash/other", "v1", Images.Random(layers: 2, docker: true)),
        };
        foreach (var (repo, tag, image) in images) await registry.PushImageAsync(repo, image, tag);

        ulong seed = GeneratedStream.NewSeed();
        long size = 24 * MiB;
        string digest = await GeneratedStream.DigestAsync(seed, size, ct);
        var location = await registry.StartUploadAsync("crash/other");
        for (long start = 0; start < size; start += 8 * MiB)
            location = await PatchGeneratedAsync(registry, location, seed, start, start + 8 * MiB, ct);
        using (var put = await registry.SendAsync(HttpMethod.Put, RegistryClient.WithQuery(location, "digest", digest), RegistryClient.Octets([]), cancellationToken: ct))
            await OciAssert.Status(put, HttpStatusCode.Created);

        var snapshot = await RegistrySnapshot.TakeAsync(registry, [Repo, "crash/other"], images.Select(i => i.Item3.Digest).Append(digest));
        return new EarlierContent(snapshot, images, (seed, size, digest));
    }

    private static async Task IgnoreFailureAsync(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            // Expected: the server died under it.
        }
    }

}

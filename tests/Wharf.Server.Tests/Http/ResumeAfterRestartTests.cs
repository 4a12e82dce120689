using System.Net;
using System.Security.Cryptography;
using Wharf.Core;

namespace Wharf.Server.Tests.Http;

/// <summary>A chunked upload survives a restart: the session and its offset live in the stores, not the process.</summary>
public sealed class ResumeAfterRestartTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_new_process_resumes_where_the_old_one_stopped()
    {
        var blob = RandomNumberGenerator.GetBytes(3000);
        var digest = Digest.Compute(blob);
        string path;
        await using (var before = await TestRegistry.StartAsync(_dir.Path))
        {
            var started = await before.StartUploadAsync("team/model");
            path = started.PathAndQuery;
            using var half = await before.PatchAsync(started, blob[..1000], start: 0);
            Assert.Equal("0-999", half.Header("Range"));
        }

        await using var after = await TestRegistry.StartAsync(_dir.Path);
        var upload = after.Resolve(new Uri(path, UriKind.Relative));
        using (var status = await after.Client.GetAsync(upload))
        {
            Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
            Assert.Equal("0-999", status.Header("Range"));
            Assert.Equal(TestRegistry.UploadId(upload), status.Header("Docker-Upload-UUID"));
        }
        using (var wrong = await after.PatchAsync(upload, blob[500..], start: 500))
        {
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, wrong.StatusCode);
            Assert.Equal("0-999", wrong.Header("Range"));
            Assert.Equal(path, wrong.Headers.Location?.OriginalString);
        }
        using (var rest = await after.PatchAsync(upload, blob[1000..2000], start: 1000))
            Assert.Equal("0-1999", rest.Header("Range"));
        using (var put = await after.CompleteAsync(upload, digest.ToString(), blob[2000..]))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal(digest.ToString(), put.Header("Docker-Content-Digest"));
        }
        Assert.Equal(blob, await after.Client.GetByteArrayAsync($"/v2/team/model/blobs/{digest}"));
        Assert.Empty(OciResponse.FilesUnder(after.UploadsDirectory));
    }
}

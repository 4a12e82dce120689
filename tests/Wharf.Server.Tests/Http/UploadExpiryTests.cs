using System.Net;
using System.Security.Cryptography;

namespace Wharf.Server.Tests.Http;

/// <summary>Uploads:IdleTimeout and Uploads:ExpiryInterval: an idle session expires, row and bytes.</summary>
public sealed class UploadExpiryTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    public async Task InitializeAsync() =>
        _registry = await TestRegistry.StartAsync(_dir.Path, new Dictionary<string, string?>
        {
            ["Uploads:IdleTimeout"] = "00:00:02",
            ["Uploads:ExpiryInterval"] = "00:00:00.1",
        });

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task An_idle_session_expires_and_its_bytes_are_removed()
    {
        var upload = await _registry.StartUploadAsync("team/model");
        using (var patch = await _registry.PatchAsync(upload, RandomNumberGenerator.GetBytes(4096), start: 0))
            Assert.Equal("0-4095", patch.Header("Range"));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage status;
        while ((status = await _registry.Client.GetAsync(upload)).StatusCode == HttpStatusCode.NoContent && DateTime.UtcNow < deadline)
        {
            status.Dispose();
            await Task.Delay(50);
        }
        using (status)
        {
            Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
            Assert.Equal("BLOB_UPLOAD_UNKNOWN", await status.ErrorCodeAsync());
        }
        Assert.False(File.Exists(Path.Combine(_registry.UploadsDirectory, TestRegistry.UploadId(upload))));
        Assert.Empty(OciResponse.FilesUnder(_registry.UploadsDirectory));

        using var late = await _registry.PatchAsync(upload, [1], start: 4096);
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
        Assert.Equal("BLOB_UPLOAD_UNKNOWN", await late.ErrorCodeAsync());
    }
}

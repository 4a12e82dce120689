using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace Wharf.Server.Tests.Http;

/// <summary>The real host, in process, on a loopback port the OS picks, over a data directory the test owns.</summary>
internal sealed class TestRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestRegistry(WebApplication app, string data)
    {
        _app = app;
        Data = data;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    /// <summary>The host's services: tests reach the stores the server uses.</summary>
    public IServiceProvider Services => _app.Services;

    public string Data { get; }

    public string UploadsDirectory => Path.Combine(Data, "uploads");

    public static async Task<TestRegistry> StartAsync(string data, IDictionary<string, string?>? settings = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Listen"] = "127.0.0.1:0",
            ["Data"] = data,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) overrides[key] = value;
        var app = WharfHost.Build(configFile: null, overrides);
        await WharfHost.PrepareAsync(app, CancellationToken.None);
        await app.StartAsync();
        return new TestRegistry(app, data);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>POST /v2/NAME/blobs/uploads/: the new session's URL.</summary>
    public async Task<Uri> StartUploadAsync(string name)
    {
        using var response = await Client.PostAsync($"/v2/{name}/blobs/uploads/", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return Resolve(response.Headers.Location!);
    }

    public Task<HttpResponseMessage> PatchAsync(Uri upload, byte[] chunk, long? start = null) =>
        PatchAsync(upload, new ByteArrayContent(chunk), start, start + chunk.Length - 1);

    public Task<HttpResponseMessage> PatchAsync(Uri upload, HttpContent body, long? start = null, long? end = null)
    {
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (start is not null) body.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{end}");
        return Client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, upload) { Content = body });
    }

    public Task<HttpResponseMessage> CompleteAsync(Uri upload, string digest, byte[]? lastChunk = null) =>
        Client.PutAsync(WithQuery(upload, "digest=" + digest), lastChunk is null ? null : new ByteArrayContent(lastChunk));

    public Task<HttpResponseMessage> PutBlobAsync(string name, string digest, byte[] blob) =>
        Client.PostAsync($"/v2/{name}/blobs/uploads/?digest={digest}", new ByteArrayContent(blob));

    public Uri Resolve(Uri location) => new(Client.BaseAddress!, location);

    /// <summary>The upload id: the last segment of the session's URL.</summary>
    public static string UploadId(Uri upload) => upload.AbsolutePath.Split('/')[^1];

    private static Uri WithQuery(Uri uri, string query) => new(uri + (uri.Query.Length == 0 ? "?" : "&") + query);
}

internal static class OciResponse
{
    /// <summary>The first error code of an OCI error body.</summary>
    public static async Task<string> ErrorCodeAsync(this HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString()!;
    }

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    public static string[] FilesUnder(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*", SearchOption.AllDirectories) : [];
}

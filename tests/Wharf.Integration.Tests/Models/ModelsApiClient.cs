using System.Net;
using System.Text.Json.Nodes;

namespace Wharf.Integration.Tests.Models;

/// <summary>Reads /api/v1 answers, waiting for the index job where a test needs the indexed result.</summary>
public sealed class ModelsApiClient(HttpClient http)
{
    public async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(string path)
    {
        using var response = await http.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType is "application/json", $"{path}: {response.StatusCode} {text}");
        return (response.StatusCode, JsonNode.Parse(text)!);
    }

    public async Task<JsonNode> OkAsync(string path)
    {
        var (status, body) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {body.ToJsonString()}");
        return body;
    }

    /// <summary>The version's detail once the index job has been at it.</summary>
    public async Task<JsonNode> IndexedAsync(string repository, string reference, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var detail = await OkAsync($"/api/v1/repositories/{repository}/versions/{reference}");
            if (detail["index"]!["status"]!.GetValue<string>() != "pending") return detail;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{repository}:{reference} was not indexed: {detail.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    /// <summary>A 400 (or other) error answer with its code and message.</summary>
    public async Task<(string Code, string Message)> ErrorAsync(string path, HttpStatusCode expected)
    {
        var (status, body) = await GetAsync(path);
        Assert.True(status == expected, $"{path}: expected {expected}, got {status} {body.ToJsonString()}");
        var error = body["errors"]![0]!;
        return (error["code"]!.GetValue<string>(), error["message"]!.GetValue<string>());
    }

    public static string[] Strings(JsonNode? array) => array?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [];
}

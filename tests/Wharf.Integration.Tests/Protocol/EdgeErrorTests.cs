using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>
/// Bad input at the edge: dot segments in the raw path, paths no route takes, methods a route does not take.
/// Requests go over a raw socket, because HttpClient (System.Uri) would resolve the ".." before sending it.
/// </summary>
public sealed class EdgeErrorTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("/v2/edge/../dotted/blobs/uploads/")]
    [InlineData("/v2/edge/%2e%2e/dotted/blobs/uploads/")]
    [InlineData("/v2/edge/./dotted/blobs/uploads/")]
    public async Task Dot_segments_in_the_raw_path_are_NAME_INVALID_and_change_nothing(string target)
    {
        var (status, body) = await RawAsync("POST", target);
        Assert.Equal(400, status);
        Assert.Equal("NAME_INVALID", JsonNode.Parse(body)!["errors"]![0]!["code"]!.GetValue<string>());

        using var catalog = await Http.GetAsync("v2/_catalog");
        string repositories = await catalog.Content.ReadAsStringAsync();
        Assert.DoesNotContain("dotted", repositories, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_no_route_takes_gets_a_json_error()
    {
        var (status, body) = await RawAsync("GET", "/no/such/page");
        Assert.Equal(404, status);
        var error = JsonNode.Parse(body)!["errors"]![0]!;
        Assert.Equal("NOT_FOUND", error["code"]!.GetValue<string>());
        Assert.Contains("/no/such/page", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_method_a_route_does_not_take_gets_a_json_error()
    {
        var (status, body) = await RawAsync("DELETE", "/healthz");
        Assert.Equal(405, status);
        Assert.Equal("UNSUPPORTED", JsonNode.Parse(body)!["errors"]![0]!["code"]!.GetValue<string>());
    }

    private async Task<(int Status, string Body)> RawAsync(string method, string target)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", Server.Port);
        await using var stream = tcp.GetStream();
        byte[] request = Encoding.ASCII.GetBytes($"{method} {target} HTTP/1.1\r\nHost: {Server.HostPort}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string answer = await reader.ReadToEndAsync();
        Output.WriteLine($"{method} {target}\n{answer}");
        int status = int.Parse(answer.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        string body = answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        // Without Content-Length the body may come chunked: take the JSON object out of it.
        int start = body.IndexOf('{', StringComparison.Ordinal), end = body.LastIndexOf('}');
        return (status, start >= 0 && end > start ? body[start..(end + 1)] : body);
    }
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Api;
using Wharf.Server.Tests.Http;
using YamlDotNet.RepresentationModel;

namespace Wharf.Server.Tests.Api;

/// <summary>
/// docs/api/openapi.yaml (as the server serves it) against the routes the host really maps under /api/v1: a route
/// that is mapped but missing from the document fails here, and so does a documented one nothing serves.
/// </summary>
public sealed partial class OpenApiRoutesTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestRegistry _registry = null!;

    public async Task InitializeAsync() => _registry = await TestRegistry.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();

    private static string Normalize(string method, string path) => method.ToUpperInvariant() + " " + Parameter().Replace(path, "{}");

    /// <summary>Every "METHOD /api/v1/…" the host serves: the rows of the one /api/v1 table.</summary>
    private HashSet<string> MappedRoutes()
    {
        // Nothing under /api/v1 is routed beside the table.
        var endpoints = _registry.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var beside = endpoints.Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/')).Where(p => p.StartsWith("/api/v1", StringComparison.Ordinal));
        Assert.Empty(beside);
        return _registry.Services.GetRequiredService<ApiRouteTable>().Routes
            .Select(r => Normalize(r.Method, "/api/v1/" + r.Template))
            .ToHashSet(StringComparer.Ordinal);
    }

    private async Task<HashSet<string>> DocumentedRoutesAsync()
    {
        using var response = await _registry.Client.GetAsync("/api/v1/openapi.yaml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(await response.Content.ReadAsStringAsync()));
        var paths = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("paths")];
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in paths.Children)
            foreach (var (method, _) in ((YamlMappingNode)item).Children)
                if (method.ToString() is "get" or "put" or "post" or "delete" or "patch" or "head")
                    routes.Add(Normalize(method.ToString(), path.ToString()));
        return routes;
    }

    [Fact]
    public async Task Every_mapped_api_route_is_in_the_OpenAPI_document()
    {
        var mapped = MappedRoutes();
        var documented = await DocumentedRoutesAsync();
        Assert.Contains("POST /api/v1/repositories/{}/promote", mapped); // the expansion works at all
        var missing = mapped.Except(documented).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "mapped but not in docs/api/openapi.yaml: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Every_documented_route_is_mapped()
    {
        var mapped = MappedRoutes();
        var unserved = (await DocumentedRoutesAsync()).Except(mapped).Order(StringComparer.Ordinal).ToList();
        Assert.True(unserved.Count == 0, "in docs/api/openapi.yaml but not mapped: " + string.Join(", ", unserved));
    }
}

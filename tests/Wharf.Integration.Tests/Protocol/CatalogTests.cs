using System.Net;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>
/// GET /v2/_catalog (Docker Registry v2) with n, last and Link. A server of its own, so the catalog holds exactly the
/// repositories these tests push.
/// </summary>
public sealed class CatalogTests(CatalogTests.Fixture fixture, ITestOutputHelper output)
    : ServerTest(fixture.Server, output), IClassFixture<CatalogTests.Fixture>
{
    // In byte order, which is the order of Go's sort.Strings: '-' < '.' < '/' < '_'.
    public static readonly string[] Repositories = ["alpha-x", "alpha.x", "alpha/one", "alpha/two", "alpha_x", "beta", "gamma/deep/er", "zulu"];

    public sealed class Fixture : IAsyncLifetime
    {
        public ServerFixture Server { get; } = new();

        public async Task InitializeAsync()
        {
            await Server.InitializeAsync();
            using var http = Server.Server.CreateClient();
            var registry = new RegistryClient(http);

            // An empty registry lists nothing (checked here, before anything is pushed).
            EmptyCatalog = await registry.CatalogAsync();

            foreach (string repo in Repositories.Reverse()) await registry.PushImageAsync(repo, Images.Random(layers: 1), "v1");
        }

        public List<string>? EmptyCatalog { get; private set; }

        public Task DisposeAsync() => Server.DisposeAsync();
    }

    private readonly Fixture _fixture = fixture;

    [Fact]
    public void An_empty_registry_has_an_empty_catalog()
    {
        Assert.NotNull(_fixture.EmptyCatalog);
        Assert.Empty(_fixture.EmptyCatalog);
    }

    [Fact]
    public async Task Lists_every_repository_in_order()
    {
        using var get = await Registry.GetAsync("/v2/_catalog");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal(Repositories, RegistryClient.StringList((await OciAssert.Json(get))["repositories"]));
        Assert.Null(Registry.LinkNext(get));
    }

    [Fact]
    public async Task N_pages_and_Link_leads_to_the_rest()
    {
        var seen = new List<string>();
        string? next = "/v2/_catalog?n=2";
        int pages = 0;
        while (next is not null)
        {
            using var get = await Registry.GetAsync(next);
            await OciAssert.Status(get, HttpStatusCode.OK);
            var page = RegistryClient.StringList((await OciAssert.Json(get))["repositories"]);
            var link = Registry.LinkNext(get);
            Assert.True(page.Count == 2 || link is null, $"page {pages} has {page.Count} repositories and a Link");
            if (link is not null) Assert.Equal("/v2/_catalog", link.AbsolutePath);
            seen.AddRange(page);
            next = link?.ToString();
            Assert.True(++pages < 10, "pagination does not end");
        }
        Assert.Equal(Repositories, seen);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task N_zero_is_empty_without_Link()
    {
        using var get = await Registry.GetAsync("/v2/_catalog?n=0");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Empty(RegistryClient.StringList((await OciAssert.Json(get))["repositories"]));
        Assert.Null(Registry.LinkNext(get));
    }

    [Fact]
    public async Task N_larger_than_the_count_returns_everything_without_Link()
    {
        using var get = await Registry.GetAsync("/v2/_catalog?n=500");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal(Repositories, RegistryClient.StringList((await OciAssert.Json(get))["repositories"]));
        Assert.Null(Registry.LinkNext(get));
    }

    [Theory]
    [InlineData("alpha/two", null, new[] { "alpha_x", "beta", "gamma/deep/er", "zulu" })]
    [InlineData("alpha/two", 2, new[] { "alpha_x", "beta" })]
    [InlineData("alpha.x", 2, new[] { "alpha/one", "alpha/two" })]
    [InlineData("beta", null, new[] { "gamma/deep/er", "zulu" })]
    [InlineData("alpha", 1, new[] { "alpha-x" })] // last need not be a repository
    [InlineData("alpha/", 1, new[] { "alpha/one" })]
    [InlineData("zulu", null, new string[0])]
    [InlineData("zzz", null, new string[0])] // beyond the end
    [InlineData("zzz", 3, new string[0])]
    public async Task Last_starts_after_the_given_repository(string last, int? n, string[] expected)
    {
        string query = $"last={Uri.EscapeDataString(last)}" + (n is null ? "" : $"&n={n}");
        using var get = await Registry.GetAsync($"/v2/_catalog?{query}");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal(expected, RegistryClient.StringList((await OciAssert.Json(get))["repositories"]));
        if (expected.Length == 0 || n is null) Assert.Null(Registry.LinkNext(get));
    }
}

using System.Net;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>end-8a/8b: GET /v2/&lt;name&gt;/tags/list with n, last and the Link header.</summary>
public sealed class TagListTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    // Lowercase letters and digits only: lexical and ASCII order agree.
    private static readonly string[] Tags = ["latest", "t01", "t02", "t03", "t04", "t05", "t06", "t07"];

    private async Task<string> RepoWithTags()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, image.Digest);
        // Pushed out of order: the listing must sort.
        foreach (string tag in Tags.Reverse())
        {
            using var put = await Registry.PutManifestAsync(repo, tag, image.Manifest);
            await OciAssert.Status(put, HttpStatusCode.Created);
        }
        return repo;
    }

    [Fact]
    public async Task Lists_every_tag_in_lexical_order()
    {
        string repo = await RepoWithTags();
        using var get = await Registry.GetAsync($"/v2/{repo}/tags/list");
        await OciAssert.Status(get, HttpStatusCode.OK);
        var body = await OciAssert.Json(get);
        Assert.Equal(repo, body["name"]?.GetValue<string>());
        Assert.Equal(Tags, RegistryClient.StringList(body["tags"]));
        Assert.Null(Registry.LinkNext(get));
    }

    [Fact]
    public async Task N_limits_the_page_and_Link_leads_to_the_rest()
    {
        string repo = await RepoWithTags();
        var seen = new List<string>();
        string? next = $"/v2/{repo}/tags/list?n=3";
        int pages = 0;
        while (next is not null)
        {
            using var get = await Registry.GetAsync(next);
            await OciAssert.Status(get, HttpStatusCode.OK);
            var page = RegistryClient.StringList((await OciAssert.Json(get))["tags"]);
            var link = Registry.LinkNext(get);
            // "MAY return fewer than n results, but only when the total is less than n or a Link header is provided."
            Assert.True(page.Count == 3 || link is null, $"page {pages} has {page.Count} tags and a Link");
            Assert.True(page.Count <= 3, $"page {pages} has {page.Count} tags for n=3");
            if (link is not null) Assert.Equal($"/v2/{repo}/tags/list", link.AbsolutePath);
            seen.AddRange(page);
            next = link?.ToString();
            Assert.True(++pages < 10, "pagination does not end");
        }
        Assert.Equal(Tags, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task N_zero_is_an_empty_list_without_Link()
    {
        string repo = await RepoWithTags();
        using var get = await Registry.GetAsync($"/v2/{repo}/tags/list?n=0");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Empty(RegistryClient.StringList((await OciAssert.Json(get))["tags"]));
        Assert.Null(Registry.LinkNext(get));
    }

    [Fact]
    public async Task N_larger_than_the_count_returns_everything_without_Link()
    {
        string repo = await RepoWithTags();
        using var get = await Registry.GetAsync($"/v2/{repo}/tags/list?n=1000");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal(Tags, RegistryClient.StringList((await OciAssert.Json(get))["tags"]));
        Assert.Null(Registry.LinkNext(get));
    }

    [Fact]
    public async Task N_equal_to_the_count_returns_everything_and_any_Link_leads_to_nothing()
    {
        string repo = await RepoWithTags();
        using var get = await Registry.GetAsync($"/v2/{repo}/tags/list?n={Tags.Length}");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal(Tags, RegistryClient.StringList((await OciAssert.Json(get))["tags"]));
        if (Registry.LinkNext(get) is { } next)
        {
            using var rest = await Registry.GetAsync(next.ToString());
            await OciAssert.Status(rest, HttpStatusCode.OK);
            Assert.Empty(RegistryClient.StringList((await OciAssert.Json(rest))["tags"]));
        }
    }

    [Theory]
    [InlineData("t03", null, new[] { "t04", "t05", "t06", "t07" })]
    [InlineData("t03", 2, new[] { "t04", "t05" })]
    [InlineData("latest", 1, new[] { "t01" })]
    [InlineData("t035", null, new[] { "t04", "t05", "t06", "t07" })] // last need not be an existing tag
    [InlineData("a", 2, new[] { "latest", "t01" })]
    [InlineData("t07", null, new string[0])] // the last tag
    [InlineData("zzz", null, new string[0])] // beyond the end
    [InlineData("zzz", 5, new string[0])]
    public async Task Last_starts_after_the_given_tag(string last, int? n, string[] expected)
    {
        string repo = await RepoWithTags();
        string query = $"last={last}" + (n is null ? "" : $"&n={n}");
        using var get = await Registry.GetAsync($"/v2/{repo}/tags/list?{query}");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Equal(expected, RegistryClient.StringList((await OciAssert.Json(get))["tags"]));
        if (expected.Length == 0 || n is null) Assert.Null(Registry.LinkNext(get));
    }

    [Fact]
    public async Task Mixed_case_and_punctuated_tags_page_consistently_in_one_of_the_allowed_orders()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, image.Digest);
        string[] tags = ["Beta", "alpha", "Alpha", "beta", "v1.0", "v1-0", "v1_0", "V1", "_hidden", "1.0", "ZZ"];
        foreach (string tag in tags)
        {
            using var put = await Registry.PutManifestAsync(repo, tag, image.Manifest);
            await OciAssert.Status(put, HttpStatusCode.Created);
        }

        var whole = await Registry.TagsAsync(repo) ?? [];
        // "lexical (case-insensitive alphanumeric) or ASCIIbetical (Go's sort.Strings)" order.
        var ascii = tags.Order(StringComparer.Ordinal).ToList();
        var lexical = tags.Order(StringComparer.OrdinalIgnoreCase).ThenBy(t => t, StringComparer.Ordinal).ToList();
        Assert.True(whole.SequenceEqual(ascii) || whole.SequenceEqual(lexical), $"tags in neither allowed order: {string.Join(" ", whole)}");

        // Paging one at a time through Link walks the same order, with no tag twice and none left out.
        var paged = new List<string>();
        string? next = $"/v2/{repo}/tags/list?n=1";
        while (next is not null)
        {
            using var get = await Registry.GetAsync(next);
            await OciAssert.Status(get, HttpStatusCode.OK);
            paged.AddRange(RegistryClient.StringList((await OciAssert.Json(get))["tags"]));
            next = Registry.LinkNext(get)?.ToString();
            Assert.True(paged.Count <= tags.Length, $"pagination repeats: {string.Join(" ", paged)}");
        }
        Assert.Equal(whole, paged);
    }

    [Theory]
    [InlineData("n=-1")]
    [InlineData("n=abc")]
    public async Task An_invalid_n_is_refused_with_a_spec_error_code(string query)
    {
        string repo = await RepoWithTags();
        foreach (string path in new[] { $"/v2/{repo}/tags/list?{query}", $"/v2/_catalog?{query}" })
        {
            using var get = await Registry.GetAsync(path);
            await OciAssert.Error(get, HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Unknown_repository_is_404_NAME_UNKNOWN()
    {
        using var get = await Registry.GetAsync($"/v2/{NewRepo()}/tags/list");
        await OciAssert.Error(get, HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    [Fact]
    public async Task A_repository_whose_tags_were_all_deleted_lists_none()
    {
        string repo = NewRepo();
        var image = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, image, "only");
        using (var delete = await Registry.DeleteAsync($"/v2/{repo}/manifests/only"))
            await OciAssert.Status(delete, HttpStatusCode.Accepted);
        using var get = await Registry.GetAsync($"/v2/{repo}/tags/list");
        await OciAssert.Status(get, HttpStatusCode.OK);
        Assert.Empty(RegistryClient.StringList((await OciAssert.Json(get))["tags"]));
    }
}

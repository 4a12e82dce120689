using System.Net;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>end-1 (GET /v2/), /healthz, and the name grammar on every endpoint.</summary>
public sealed class ApiBaseTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Get_v2_answers_200_with_the_api_version_header()
    {
        using var response = await Registry.GetAsync("/v2/");
        await OciAssert.Status(response, HttpStatusCode.OK);
        Assert.Equal("registry/2.0", OciAssert.Header(response, "Docker-Distribution-API-Version"));
    }

    [Fact]
    public async Task Head_v2_answers_200()
    {
        using var response = await Registry.HeadAsync("/v2/");
        await OciAssert.Status(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Healthz_answers_200()
    {
        using var response = await Registry.GetAsync("/healthz");
        await OciAssert.Status(response, HttpStatusCode.OK);
    }

    public static TheoryData<string> InvalidNames => new()
    {
        "Upper/case",
        "a..b",
        "a/-b",
        "a__-b",
        "a//b",
        "trailing-",
        "_leading",
        string.Join('/', Enumerable.Repeat("abcdefghijklmnop", 16)), // 271 characters
    };

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public async Task Every_endpoint_refuses_an_invalid_repository_name_with_NAME_INVALID(string name)
    {
        var before = await Registry.CatalogAsync();
        var blob = Blob.Random(64);
        var image = Images.Random(layers: 1);
        string digest = blob.Digest;

        await Expect(HttpMethod.Get, $"/v2/{name}/tags/list");
        await Expect(HttpMethod.Get, $"/v2/{name}/manifests/latest");
        await Expect(HttpMethod.Put, $"/v2/{name}/manifests/latest", RegistryClient.Manifest(image.Manifest.Data, image.MediaType));
        await Expect(HttpMethod.Delete, $"/v2/{name}/manifests/{image.Digest}");
        await Expect(HttpMethod.Get, $"/v2/{name}/blobs/{digest}");
        await Expect(HttpMethod.Delete, $"/v2/{name}/blobs/{digest}");
        await Expect(HttpMethod.Post, $"/v2/{name}/blobs/uploads/", RegistryClient.Octets([]));
        await Expect(HttpMethod.Post, $"/v2/{name}/blobs/uploads/?digest={digest}", RegistryClient.Octets(blob.Data));
        await Expect(HttpMethod.Get, $"/v2/{name}/referrers/{image.Digest}");

        Assert.Equal(before, await Registry.CatalogAsync());

        async Task Expect(HttpMethod method, string path, HttpContent? content = null)
        {
            // A path with an empty segment is normalised by some stacks; what matters is that nothing is served.
            using var response = await Registry.SendAsync(method, path, content);
            if (name.Contains("//", StringComparison.Ordinal) && response.StatusCode == HttpStatusCode.NotFound) return;
            await OciAssert.Error(response, HttpStatusCode.BadRequest, "NAME_INVALID");
        }
    }

    [Fact]
    public async Task A_name_of_255_characters_is_accepted()
    {
        // 15 components of 16 characters joined by 14 slashes make 254; one more letter makes the limit, 255.
        string name = string.Join('/', Enumerable.Repeat("abcdefghijklmnop", 15))[..254] + "z";
        Assert.Equal(255, name.Length);
        var blob = Blob.Random(32);
        await Registry.PushBlobAsync(name, blob);
        Assert.Equal(HttpStatusCode.OK, await Registry.BlobStatusAsync(name, blob.Digest));
    }

    [Fact]
    public async Task Error_bodies_have_the_spec_shape()
    {
        using var response = await Registry.GetAsync($"/v2/{NewRepo()}/manifests/latest");
        var codes = await OciAssert.ErrorIn(response, [HttpStatusCode.NotFound], "MANIFEST_UNKNOWN", "NAME_UNKNOWN");
        Assert.NotEmpty(codes);
    }
}

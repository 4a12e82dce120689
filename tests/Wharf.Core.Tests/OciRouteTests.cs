namespace Wharf.Core.Tests;

public class OciRouteTests
{
    private const string D = "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270";

    [Theory]
    // end-1, catalog
    [InlineData("", OciEndpoint.Base, "", "")]
    [InlineData("_catalog", OciEndpoint.Catalog, "", "")]
    // end-8
    [InlineData("foo/tags/list", OciEndpoint.TagsList, "foo", "")]
    [InlineData("a/b/c/tags/list", OciEndpoint.TagsList, "a/b/c", "")]
    // end-3, end-7, end-9
    [InlineData("foo/manifests/latest", OciEndpoint.Manifest, "foo", "latest")]
    [InlineData("team/sub/model/manifests/" + D, OciEndpoint.Manifest, "team/sub/model", D)]
    // end-2, end-10
    [InlineData("foo/blobs/" + D, OciEndpoint.Blob, "foo", D)]
    [InlineData("a/b/c/d/blobs/" + D, OciEndpoint.Blob, "a/b/c/d", D)]
    // end-4, end-11
    [InlineData("foo/blobs/uploads/", OciEndpoint.UploadStart, "foo", "")]
    [InlineData("a/b/c/blobs/uploads/", OciEndpoint.UploadStart, "a/b/c", "")]
    // end-5, end-6, end-13, end-14
    [InlineData("foo/blobs/uploads/0f3c-42", OciEndpoint.Upload, "foo", "0f3c-42")]
    [InlineData("a/b/c/blobs/uploads/abc", OciEndpoint.Upload, "a/b/c", "abc")]
    // end-12
    [InlineData("foo/referrers/" + D, OciEndpoint.Referrers, "foo", D)]
    [InlineData("a/b/referrers/" + D, OciEndpoint.Referrers, "a/b", D)]
    public void Matches_every_endpoint(string path, OciEndpoint endpoint, string name, string reference) =>
        AssertRoute(path, endpoint, name, reference);

    [Theory]
    [InlineData("blobs/manifests/latest", OciEndpoint.Manifest, "blobs", "latest")]
    [InlineData("manifests/blobs/" + D, OciEndpoint.Blob, "manifests", D)]
    [InlineData("foo/manifests/blobs/" + D, OciEndpoint.Blob, "foo/manifests", D)]
    [InlineData("foo/blobs/x/manifests/v1", OciEndpoint.Manifest, "foo/blobs/x", "v1")]
    [InlineData("team/blobs/uploads/manifests/v1", OciEndpoint.Manifest, "team/blobs/uploads", "v1")]
    [InlineData("foo/manifests/tags/list", OciEndpoint.TagsList, "foo/manifests", "")]
    [InlineData("a/tags/list/tags/list", OciEndpoint.TagsList, "a/tags/list", "")]
    [InlineData("x/referrers/blobs/uploads/", OciEndpoint.UploadStart, "x/referrers", "")]
    [InlineData("blobs/uploads/blobs/uploads/", OciEndpoint.UploadStart, "blobs/uploads", "")]
    [InlineData("blobs/uploads/blobs/uploads/id", OciEndpoint.Upload, "blobs/uploads", "id")]
    [InlineData("foo/blobs/uploads/blobs/" + D, OciEndpoint.Blob, "foo/blobs/uploads", D)]
    [InlineData("a/referrers/referrers/" + D, OciEndpoint.Referrers, "a/referrers", D)]
    [InlineData("referrers/manifests/referrers", OciEndpoint.Manifest, "referrers", "referrers")]
    [InlineData("_catalog/tags/list", OciEndpoint.TagsList, "_catalog", "")]
    public void Matches_names_that_contain_endpoint_words(string path, OciEndpoint endpoint, string name, string reference) =>
        AssertRoute(path, endpoint, name, reference);

    [Theory]
    [InlineData("Foo/manifests/latest", "Foo", "latest")]
    [InlineData("foo//bar/manifests/latest", "foo//bar", "latest")]
    [InlineData("foo/manifests/no:such:tag", "foo", "no:such:tag")]
    public void Extracts_name_and_reference_without_judging_them(string path, string name, string reference) =>
        // Name and reference grammar are the endpoint's business (NAME_INVALID / TAG_INVALID), not the route's.
        AssertRoute(path, OciEndpoint.Manifest, name, reference);

    [Theory]
    [InlineData("/")]
    [InlineData("foo")]
    [InlineData("foo/")]
    [InlineData("foo/bar")]
    [InlineData("_catalog/")]
    [InlineData("_catalog/x")]
    [InlineData("x/_catalog")]
    [InlineData("foo/tags")]
    [InlineData("foo/tags/")]
    [InlineData("foo/tags/list/")]
    [InlineData("foo/tags/list/x")]
    [InlineData("foo/tags/listing")]
    [InlineData("foo/tags/latest")]
    [InlineData("tags/list")]
    [InlineData("/tags/list")]
    [InlineData("foo/manifests")]
    [InlineData("foo/manifests/")]
    [InlineData("foo/manifests/latest/")]
    [InlineData("foo/manifests/latest/extra")]
    [InlineData("manifests/latest")]
    [InlineData("/manifests/latest")]
    [InlineData("foo/blobs")]
    [InlineData("foo/blobs/")]
    [InlineData("foo/blobs/" + D + "/")]
    [InlineData("foo/blobs/" + D + "/extra")]
    [InlineData("/blobs/" + D)]
    [InlineData("blobs/uploads/")]
    [InlineData("/blobs/uploads/")]
    [InlineData("/blobs/uploads/id")]
    [InlineData("foo/blobs/uploads/id/")]
    [InlineData("foo/blobs/uploads/id/extra")]
    [InlineData("foo/referrers")]
    [InlineData("foo/referrers/")]
    [InlineData("foo/referrers/" + D + "/x")]
    [InlineData("/referrers/" + D)]
    [InlineData("foo/unknown/x")]
    [InlineData("foo/manifest/latest")]
    [InlineData("foo/blob/" + D)]
    public void Refuses_undefined_paths(string path)
    {
        Assert.False(OciRoute.TryMatch(path, out var route));
        Assert.Equal(default, route);
    }

    private static void AssertRoute(string path, OciEndpoint endpoint, string name, string reference)
    {
        Assert.True(OciRoute.TryMatch(path, out var route), path);
        Assert.Equal(new OciRoute(endpoint, name, reference), route);
    }
}

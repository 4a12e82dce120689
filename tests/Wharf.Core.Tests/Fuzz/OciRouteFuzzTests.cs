using CsCheck;
using static Wharf.Core.Tests.Fuzz.Grammars;

namespace Wharf.Core.Tests.Fuzz;

/// <summary>
/// The /v2 route table on generated routes (names made partly of the route words themselves) and on noise: a
/// route formats to a path that matches back to the same route, and whatever matches formats back to its path.
/// </summary>
public class OciRouteFuzzTests
{
    private const long Iterations = 5_000;

    private static readonly Gen<string> UploadId = Gen.Byte.Array[16].Select(Convert.ToHexStringLower);

    private static readonly Gen<OciRoute> Route = Gen.OneOf(
        Gen.Const(new OciRoute(OciEndpoint.Base)),
        Gen.Const(new OciRoute(OciEndpoint.Catalog)),
        Names.Select(n => new OciRoute(OciEndpoint.TagsList, n)),
        Names.Select(n => new OciRoute(OciEndpoint.UploadStart, n)),
        Gen.Select(Names, UploadId, (n, id) => new OciRoute(OciEndpoint.Upload, n, id)),
        Gen.Select(Names, Gen.OneOf(Tags, Digests.Select(d => d.ToString())), (n, r) => new OciRoute(OciEndpoint.Manifest, n, r)),
        Gen.Select(Names, Digests, (n, d) => new OciRoute(OciEndpoint.Referrers, n, d.ToString())),
        Gen.Select(Names, Digests, (n, d) => new OciRoute(OciEndpoint.Blob, n, d.ToString())));

    /// <summary>The path below /v2/ that the distribution spec gives each endpoint.</summary>
    private static string Format(OciRoute r) => r.Endpoint switch
    {
        OciEndpoint.Base => "",
        OciEndpoint.Catalog => "_catalog",
        OciEndpoint.TagsList => r.Name + "/tags/list",
        OciEndpoint.UploadStart => r.Name + "/blobs/uploads/",
        OciEndpoint.Upload => r.Name + "/blobs/uploads/" + r.Reference,
        OciEndpoint.Manifest => r.Name + "/manifests/" + r.Reference,
        OciEndpoint.Referrers => r.Name + "/referrers/" + r.Reference,
        OciEndpoint.Blob => r.Name + "/blobs/" + r.Reference,
        _ => throw new ArgumentOutOfRangeException(nameof(r)),
    };

    [Fact]
    public void Every_spec_route_matches_back_to_itself() =>
        Route.Sample(route =>
        {
            Assert.True(OciRoute.TryMatch(Format(route), out var matched), Format(route));
            Assert.Equal(route, matched);
        }, iter: Iterations);

    [Fact]
    public void Whatever_matches_formats_back_to_its_path() =>
        Gen.OneOf(Route.Select(Format), Mutated(Route.Select(Format)), Noise,
                Gen.OneOf(RouteWords).Array[0, 6].Select(words => string.Join('/', words))).Sample(path =>
        {
            if (!OciRoute.TryMatch(path, out var route)) return;
            Assert.Equal(path, Format(route));
            if (route.Endpoint is not (OciEndpoint.Base or OciEndpoint.Catalog)) Assert.NotEmpty(route.Name);
        }, iter: Iterations);
}

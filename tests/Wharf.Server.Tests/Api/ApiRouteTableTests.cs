using Microsoft.AspNetCore.Http;
using Wharf.Server.Api;

namespace Wharf.Server.Tests.Api;

/// <summary>The /api/v1 table's matching: repository names with slashes, the most specific template, methods.</summary>
public sealed class ApiRouteTableTests
{
    private static readonly RequestDelegate Nothing = _ => Task.CompletedTask;

    private static ApiRouteTable Table(params string[] routes)
    {
        var table = new ApiRouteTable();
        foreach (var route in routes)
        {
            var (method, template) = (route.Split(' ')[0], route.Split(' ')[1]);
            table.Add(new ApiRoute(method, template, Nothing));
        }
        return table;
    }

    [Fact]
    public void A_repository_name_spans_segments_and_the_action_is_read_from_the_right()
    {
        var table = Table("GET repositories/{repository}/tags", "GET repositories/{repository}/versions/{reference}");
        var tags = table.Match("repositories/team/sub/model/tags", "GET");
        Assert.Equal("repositories/{repository}/tags", tags.Route!.Template);
        Assert.Equal("team/sub/model", tags.Values![ApiRoute.Repository]);

        var version = table.Match("repositories/team/model/versions/v1.0", "GET");
        Assert.Equal("team/model", version.Values![ApiRoute.Repository]);
        Assert.Equal("v1.0", version.Values["reference"]);
    }

    [Fact]
    public void Where_two_templates_fit_the_one_fixing_more_segments_after_the_name_wins()
    {
        // "a/versions/tags": the version "tags" of a, or the tags of a repository named a/versions.
        var table = Table("GET repositories/{repository}/tags", "GET repositories/{repository}/versions/{reference}");
        var match = table.Match("repositories/a/versions/tags", "GET");
        Assert.Equal("repositories/{repository}/versions/{reference}", match.Route!.Template);
        Assert.Equal("a", match.Values![ApiRoute.Repository]);
    }

    [Fact]
    public void A_path_served_for_other_methods_names_them_and_an_unknown_path_names_none()
    {
        var table = Table("GET users", "POST users", "DELETE users/{name}");
        var wrong = table.Match("users", "PUT");
        Assert.Null(wrong.Route);
        Assert.Equal(["GET", "POST"], wrong.Allowed);

        var unknown = table.Match("users/alice/extra", "GET");
        Assert.Null(unknown.Route);
        Assert.Empty(unknown.Allowed);
    }

    [Theory]
    [InlineData("repositories/tags")]         // no name at all
    [InlineData("repositories//tags")]        // an empty segment is no name
    [InlineData("users/")]                    // a parameter is never empty
    [InlineData("users")]
    public void Paths_that_fit_no_row_exactly_match_nothing(string path)
    {
        var table = Table("GET repositories/{repository}/tags", "DELETE users/{name}");
        Assert.Null(table.Match(path, path.StartsWith("users", StringComparison.Ordinal) ? "DELETE" : "GET").Route);
    }

    [Fact]
    public void The_same_method_and_shape_cannot_be_mapped_twice()
    {
        var table = Table("GET namespaces/{ns}/policy");
        Assert.Throws<InvalidOperationException>(() => table.Add(new ApiRoute("GET", "namespaces/{other}/policy", Nothing)));
        Assert.Throws<ArgumentException>(() => table.Add(new ApiRoute("GET", "repositories/{repository}/x/{repository}", Nothing)));
    }
}

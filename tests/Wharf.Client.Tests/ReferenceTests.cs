using Wharf.Client.Auth;

namespace Wharf.Client.Tests;

public sealed class ReferenceTests
{
    [Theory]
    [InlineData("localhost:5000/team/model:v1", "localhost:5000", "team/model", "v1", null)]
    [InlineData("registry.example.com/a/b/c", "registry.example.com", "a/b/c", null, null)]
    [InlineData("127.0.0.1:5000/m@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "127.0.0.1:5000", "m", null,
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("[::1]:5000/m:latest", "[::1]:5000", "m", "latest", null)]
    [InlineData("localhost/m:1.0_rc-1", "localhost", "m", "1.0_rc-1", null)]
    public void Parses_registry_repository_tag_and_digest(string text, string registry, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest?.ToString());
    }

    [Theory]
    [InlineData("team/model:v1", "no registry host")]
    [InlineData("localhost:5000", "no repository")]
    [InlineData("localhost:5000/Team/model", "not a valid repository name")]
    [InlineData("localhost:5000/m:bad tag", "not a valid tag")]
    [InlineData("localhost:5000/m@sha256:abc", "not a valid digest")]
    public void Refuses_bad_references_with_a_reason(string text, string reason)
    {
        Assert.False(ImageReference.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:5000", true)]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("127.3.4.5", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("registry.example.com", false)]
    [InlineData("10.0.0.1:5000", false)]
    [InlineData("localhost.example.com", false)]
    public void Plain_http_only_for_loopback_unless_asked(string registry, bool loopback)
    {
        Assert.Equal(loopback, ImageReference.IsLoopback(registry));
        using var client = new OciClient(registry);
        Assert.Equal(loopback ? "http" : "https", client.BaseAddress.Scheme);
        using var forced = new OciClient(registry, new OciClientOptions { PlainHttp = true });
        Assert.Equal("http", forced.BaseAddress.Scheme);
    }

    [Fact]
    public void Parses_bearer_challenges_with_quoted_commas()
    {
        var challenge = AuthChallenge.Parse("Bearer realm=\"https://auth.example.com/token\",service=\"registry\",scope=\"repository:a/b:pull,push\"")!;
        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.example.com/token", challenge["realm"]);
        Assert.Equal("registry", challenge["service"]);
        Assert.Equal("repository:a/b:pull,push", challenge["scope"]);
        Assert.True(AuthChallenge.Parse("Basic realm=\"x\"")!.IsBasic);
    }

    [Fact]
    public void Reads_credentials_from_docker_and_containers_auth_files_by_host()
    {
        using var dir = new TempDirectory("wharf-ct");
        string docker = dir.File("config.json", System.Text.Encoding.UTF8.GetBytes(
            "{\"auths\":{\"https://registry.example.com/v1/\":{\"auth\":\"" + Convert.ToBase64String("alice:s3cret:with:colons"u8.ToArray()) + "\"}}}"));
        string containers = dir.File("auth.json", System.Text.Encoding.UTF8.GetBytes(
            "{\"auths\":{\"localhost:5000/team/model\":{\"auth\":\"" + Convert.ToBase64String("bob:pw"u8.ToArray()) + "\"}}}"));
        string broken = dir.File("broken.json", "{not json"u8.ToArray());
        var files = new ContainerAuthFiles([broken, containers, docker]);

        Assert.Equal(new RegistryCredential("alice", "s3cret:with:colons"), files.Find("registry.example.com"));
        Assert.Equal(new RegistryCredential("bob", "pw"), files.Find("localhost:5000"));
        Assert.Null(files.Find("other.example.com"));
    }
}

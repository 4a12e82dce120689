using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Clients;

/// <summary>skopeo (containers/image) against the real server: OCI layouts in and back out, byte for byte.</summary>
public sealed class SkopeoTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [ToolFact("skopeo")]
    public async Task Copies_a_multi_layer_image_in_and_back_byte_identical()
    {
        Prerequisites.Require("skopeo");
        using var env = new ClientEnvironment(Server, Output);
        var image = Images.Random(layers: 4);
        string source = env.Sub("source"), copy = env.Sub("copy");
        OciLayout.Write(source, image, "v1");
        string remote = $"docker://{Server.HostPort}/skopeo/single:v1";

        await Skopeo(env, "copy", "--dest-tls-verify=false", "--preserve-digests", $"oci:{source}:v1", remote);
        await Registry.VerifyImageAsync("skopeo/single", image, "v1");

        await Skopeo(env, "copy", "--src-tls-verify=false", "--preserve-digests", remote, $"oci:{copy}:v1");
        OciLayout.AssertSame(source, copy, "v1");

        var raw = await Skopeo(env, "inspect", "--raw", "--tls-verify=false", remote);
        Assert.Equal(Encoding.UTF8.GetString(image.Manifest.Data), raw.StdOut.TrimEnd('\n'));
    }

    [ToolFact("skopeo")]
    public async Task Copies_a_multi_arch_index_with_all_in_and_back_byte_identical()
    {
        Prerequisites.Require("skopeo");
        using var env = new ClientEnvironment(Server, Output);
        var index = Images.Index(["amd64", "arm64", "ppc64le"], layers: 2);
        string source = env.Sub("source"), copy = env.Sub("copy");
        OciLayout.Write(source, index, "multi");
        string remote = $"docker://{Server.HostPort}/skopeo/index:multi";

        await Skopeo(env, "copy", "--all", "--dest-tls-verify=false", "--preserve-digests", $"oci:{source}:multi", remote);
        await Registry.VerifyImageAsync("skopeo/index", index, "multi");

        await Skopeo(env, "copy", "--all", "--src-tls-verify=false", "--preserve-digests", remote, $"oci:{copy}:multi");
        OciLayout.AssertSame(source, copy, "multi");
    }

    [ToolFact("skopeo")]
    public async Task Copies_a_docker_schema2_image_between_repositories_with_a_mount()
    {
        Prerequisites.Require("skopeo");
        using var env = new ClientEnvironment(Server, Output);
        var image = Images.Random(layers: 2, docker: true);
        await Registry.PushImageAsync("skopeo/docker-src", image, "v1");

        // Registry to registry: containers/image mounts the layers across repositories.
        await Skopeo(env, "copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--preserve-digests",
            $"docker://{Server.HostPort}/skopeo/docker-src:v1", $"docker://{Server.HostPort}/skopeo/docker-dst:v1");
        await Registry.VerifyImageAsync("skopeo/docker-dst", image, "v1");
    }

    [ToolFact("skopeo")]
    public async Task Lists_and_deletes_tags()
    {
        Prerequisites.Require("skopeo");
        using var env = new ClientEnvironment(Server, Output);
        var image = Images.Random(layers: 1);
        const string repo = "skopeo/tags";
        await Registry.PushImageAsync(repo, image, "v0");
        var tags = Enumerable.Range(0, 120).Select(i => $"v{i}").ToList();
        foreach (string tag in tags.Skip(1))
        {
            using var put = await Registry.PutManifestAsync(repo, tag, image.Manifest);
            await OciAssert.Status(put, HttpStatusCode.Created);
        }

        var listed = await Skopeo(env, "list-tags", "--tls-verify=false", $"docker://{Server.HostPort}/{repo}");
        var names = RegistryClient.StringList(JsonNode.Parse(listed.StdOut)?["Tags"]);
        Assert.Equal(tags.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));

        // skopeo delete removes the manifest by digest, so every tag on it goes.
        var other = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, other, "keep");
        await Skopeo(env, "delete", "--tls-verify=false", $"docker://{Server.HostPort}/{repo}:v7");
        Assert.Equal(HttpStatusCode.NotFound, await Registry.ManifestStatusAsync(repo, image.Digest));
        Assert.Equal(HttpStatusCode.NotFound, await Registry.ManifestStatusAsync(repo, "v0"));
        Assert.Equal(["keep"], await Registry.TagsAsync(repo));
    }

    private static Task<CommandResult> Skopeo(ClientEnvironment env, params string[] args)
    {
        string[] global = ["--policy", env.Policy];
        if (args[0] == "copy") global = [.. global, "--debug"]; // the wire conversation, for a failing test's output
        return env.Command.RunAsync("skopeo", [.. global, .. args]);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Clients;

/// <summary>
/// podman push and pull against the real server. podman runs as root with the vfs driver on a temporary
/// --root/--runroot, so the machine's image store is never touched.
/// </summary>
public sealed class PodmanTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [ToolFact("podman", "skopeo", Prerequisites.Root)]
    public async Task Push_and_pull_round_trip_an_image()
    {
        Prerequisites.Require("podman", "skopeo", Prerequisites.Root);
        using var env = new ClientEnvironment(Server, Output);
        string root = env.Sub("storage"), runRoot = env.Sub("run");
        var image = Images.Random(layers: 3);
        string layout = env.Sub("layout");
        OciLayout.Write(layout, image, "v1");
        string local = "localhost/wharf-e2e/podman:v1";
        string remote = $"{Server.HostPort}/podman/app:v1";

        try
        {
            // Into podman's (temporary) storage, the way an image built locally would be there.
            await env.Command.RunAsync("skopeo", "--policy", env.Policy, "copy", $"oci:{layout}:v1", $"containers-storage:[vfs@{root}+{runRoot}]{local}");
            string imageId = await ImageId(env, root, runRoot, local);
            Assert.Equal(Digests.Hex(image.Config!.Digest), imageId);

            await Podman(env, root, runRoot, "push", "--tls-verify=false", local, remote);

            // What podman pushed is in the registry: podman re-compresses layers, so the manifest is its own, but the
            // config (the image id) is the same bytes.
            byte[] manifestBytes = await Registry.GetManifestAsync("podman/app", "v1");
            var manifest = OciJson.Parse(manifestBytes);
            string configDigest = manifest["config"]!["digest"]!.GetValue<string>();
            Assert.Equal(image.Config!.Digest, configDigest);
            foreach (var layer in manifest["layers"]!.AsArray())
                Assert.Equal(HttpStatusCode.OK, await Registry.BlobStatusAsync("podman/app", layer!["digest"]!.GetValue<string>()));

            // Forget it locally, pull it back.
            await Podman(env, root, runRoot, "rmi", "--all", "--force");
            await Podman(env, root, runRoot, "pull", "--tls-verify=false", remote);
            Assert.Equal(imageId, await ImageId(env, root, runRoot, remote));

            var inspect = await Podman(env, root, runRoot, "image", "inspect", remote);
            var digest = JsonNode.Parse(inspect.StdOut)![0]!["Digest"]!.GetValue<string>();
            Assert.Equal(Digests.Sha256(manifestBytes), digest);

            // The files came back: export the pulled image as a layout and compare the unpacked layer contents.
            string exported = env.Sub("exported");
            await env.Command.RunAsync("skopeo", "--policy", env.Policy, "copy", $"containers-storage:[vfs@{root}+{runRoot}]{remote}", $"oci:{exported}:v1");
            var exportedFiles = LayerFiles(exported, "v1");
            foreach (var layer in image.Layers)
                foreach (var (path, content) in layer.Files)
                    Assert.True(exportedFiles.TryGetValue(path, out var got) && got.AsSpan().SequenceEqual(content), $"{path} differs after push and pull");
        }
        finally
        {
            await env.Command.TryRunAsync(TimeSpan.FromMinutes(1), "podman", [.. Global(root, runRoot), "rmi", "--all", "--force"]);
        }
    }

    private static string[] Global(string root, string runRoot) =>
        ["--root", root, "--runroot", runRoot, "--storage-driver", "vfs", "--events-backend", "none", "--cgroup-manager", "cgroupfs"];

    private static Task<CommandResult> Podman(ClientEnvironment env, string root, string runRoot, params string[] args) =>
        env.Command.RunAsync(TimeSpan.FromMinutes(3), "podman", [.. Global(root, runRoot), .. args]);

    private static async Task<string> ImageId(ClientEnvironment env, string root, string runRoot, string name)
    {
        var result = await Podman(env, root, runRoot, "image", "inspect", "--format", "{{.Id}}", name);
        return result.StdOut.Trim();
    }

    /// <summary>The files in the layers of the image tagged <paramref name="tag"/> in a layout, by path.</summary>
    private static Dictionary<string, byte[]> LayerFiles(string layout, string tag)
    {
        var descriptor = OciLayout.Find(layout, tag);
        var manifest = OciJson.Parse(File.ReadAllBytes(OciLayout.BlobPath(layout, descriptor["digest"]!.GetValue<string>())));
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var layer in manifest["layers"]!.AsArray())
        {
            byte[] data = File.ReadAllBytes(OciLayout.BlobPath(layout, layer!["digest"]!.GetValue<string>()));
            foreach (var (name, content) in Tarballs.Files(data)) files[name] = content;
        }
        return files;
    }
}

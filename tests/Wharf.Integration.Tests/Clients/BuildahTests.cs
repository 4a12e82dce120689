using System.Net;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Clients;

/// <summary>
/// buildah, the way an image build in CI uses a registry: pull a base image from Wharf, build on it, push the result
/// back. Runs as root with the vfs driver on a temporary --root/--runroot.
/// </summary>
public sealed class BuildahTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [ToolFact("buildah", Prerequisites.Root)]
    public async Task Pulls_a_base_builds_on_it_and_pushes_the_result()
    {
        Prerequisites.Require("buildah", Prerequisites.Root);
        using var env = new ClientEnvironment(Server, Output);
        string root = env.Sub("storage"), runRoot = env.Sub("run");
        var baseImage = Images.Random(layers: 2);
        await Registry.PushImageAsync("buildah/base", baseImage, "v1");
        string baseRef = $"{Server.HostPort}/buildah/base:v1";

        try
        {
            await Buildah(env, root, runRoot, "pull", "--tls-verify=false", baseRef);
            var from = await Buildah(env, root, runRoot, "from", "--pull=never", "--name", "wharf-e2e-build", baseRef);
            await Buildah(env, root, runRoot, "config", "--label", "org.example.built-by=wharf-e2e", "wharf-e2e-build");
            await Buildah(env, root, runRoot, "commit", "--format", "oci", "wharf-e2e-build", "localhost/wharf-e2e/built:v2");
            await Buildah(env, root, runRoot, "push", "--tls-verify=false", "localhost/wharf-e2e/built:v2", $"docker://{Server.HostPort}/buildah/built:v2");
            Assert.Contains("wharf-e2e-build", from.StdOut, StringComparison.Ordinal);

            // The pushed image is an OCI manifest whose config carries the label, built on the base's layers.
            byte[] manifestBytes = await Registry.GetManifestAsync("buildah/built", "v2");
            var manifest = OciJson.Parse(manifestBytes);
            Assert.Equal(MediaType.OciManifest, manifest["mediaType"]?.GetValue<string>());
            string configDigest = manifest["config"]!["digest"]!.GetValue<string>();
            var config = OciJson.Parse(await Registry.GetBlobAsync("buildah/built", configDigest));
            Assert.Equal("wharf-e2e", config["config"]!["Labels"]!["org.example.built-by"]!.GetValue<string>());
            var diffIds = config["rootfs"]!["diff_ids"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
            Assert.Equal(baseImage.Layers.Select(l => l.DiffId), diffIds.Take(baseImage.Layers.Count));
            foreach (var layer in manifest["layers"]!.AsArray())
                Assert.Equal(HttpStatusCode.OK, await Registry.BlobStatusAsync("buildah/built", layer!["digest"]!.GetValue<string>()));
        }
        finally
        {
            await env.Command.TryRunAsync(TimeSpan.FromMinutes(1), "buildah", [.. Global(root, runRoot), "rm", "--all"]);
            await env.Command.TryRunAsync(TimeSpan.FromMinutes(1), "buildah", [.. Global(root, runRoot), "rmi", "--all", "--force"]);
        }
    }

    private static string[] Global(string root, string runRoot) => ["--root", root, "--runroot", runRoot, "--storage-driver", "vfs"];

    private static Task<CommandResult> Buildah(ClientEnvironment env, string root, string runRoot, params string[] args) =>
        env.Command.RunAsync(TimeSpan.FromMinutes(3), "buildah", [.. Global(root, runRoot), .. args]);
}

using System.Net;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Protocol;

/// <summary>
/// The server's configuration contract: <c>--config wharf.yaml</c> and <c>WHARF__…</c> environment overrides, seen
/// through the manifest size limit (<c>Limits:MaxManifestBytes</c>); and data that survives a clean restart.
/// </summary>
public sealed class ConfigurationTests(ITestOutputHelper output)
{
    private const int Limit = 4096;

    [Fact]
    public async Task Environment_override_sets_the_manifest_limit()
    {
        await using var server = await WharfProcess.StartAsync(new WharfOptions
        {
            Environment = new Dictionary<string, string> { ["WHARF__LIMITS__MAXMANIFESTBYTES"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        await AssertLimitAsync(server);
    }

    [Fact]
    public async Task Config_file_sets_the_manifest_limit()
    {
        using var dir = new TempDir();
        string config = Path.Combine(dir.Path, "wharf.yaml");
        await File.WriteAllTextAsync(config, $"Limits:\n  MaxManifestBytes: {Limit}\n");
        await using var server = await WharfProcess.StartAsync(new WharfOptions { ConfigFile = config });
        await AssertLimitAsync(server);
    }

    [Fact]
    public async Task Data_survives_a_restart()
    {
        await using var server = await WharfProcess.StartAsync();
        try
        {
            using (var http = server.CreateClient())
            {
                var registry = new RegistryClient(http);
                var image = Images.Index();
                await registry.PushImageAsync("restart/me", image, "v1");
                await server.RestartAsync();
                using var http2 = server.CreateClient();
                var after = new RegistryClient(http2);
                await after.VerifyImageAsync("restart/me", image, "v1");
                Assert.Equal(["restart/me"], await after.CatalogAsync());
            }
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    private async Task AssertLimitAsync(WharfProcess server)
    {
        try
        {
            using var http = server.CreateClient();
            var registry = new RegistryClient(http);
            const string repo = "limits/test";
            var image = Images.Random(layers: 1);
            foreach (var blob in image.AllBlobs()) await registry.PushBlobAsync(repo, blob);

            var under = Padded(image, Limit);
            using (var ok = await registry.PutManifestAsync(repo, "at-limit", under))
                await OciAssert.Status(ok, HttpStatusCode.Created);

            var over = Padded(image, Limit + 1);
            using (var refused = await registry.PutManifestAsync(repo, "over-limit", over))
                await OciAssert.Status(refused, HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal(["at-limit"], await registry.TagsAsync(repo));
        }
        finally
        {
            ServerLog.Write(output, server);
        }
    }

    private static Blob Padded(TestImage image, int size)
    {
        var manifest = (JsonObject)OciJson.Parse(image.Manifest.Data);
        manifest["annotations"] = new JsonObject { ["p"] = "" };
        int overhead = OciJson.Bytes(manifest).Length;
        manifest["annotations"]!["p"] = new string('x', size - overhead);
        var blob = Blob.Json(manifest, MediaType.OciManifest);
        Assert.Equal(size, blob.Data.Length);
        return blob;
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Clients;

/// <summary>An artifact with a <c>subject</c>, pushed by a real client, found again through the referrers API.</summary>
public sealed class ArtifactTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    private const string ModelCard = "application/vnd.example.model-card.v1";

    [ToolFact("skopeo")]
    public async Task An_artifact_pushed_with_skopeo_is_found_through_referrers()
    {
        Prerequisites.Require("skopeo");
        using var env = new ClientEnvironment(Server, Output);
        const string repo = "artifacts/model";

        // The subject: an image skopeo pushes.
        var subject = Images.Random(layers: 2);
        string subjectLayout = env.Sub("subject");
        OciLayout.Write(subjectLayout, subject, "v1");
        await env.Command.RunAsync("skopeo", "--policy", env.Policy, "copy", "--dest-tls-verify=false", "--preserve-digests",
            $"oci:{subjectLayout}:v1", $"docker://{Server.HostPort}/{repo}:v1");

        // The artifact: a model card attached to it, also pushed by skopeo from a layout (untagged on the
        // registry side is not something skopeo can do, so it gets a tag of its own).
        var card = Images.Artifact(subject.Descriptor(), ModelCard, new Dictionary<string, string> { ["org.example.card.lang"] = "en" });
        string cardLayout = env.Sub("card");
        OciLayout.Write(cardLayout, card, "card");
        await env.Command.RunAsync("skopeo", "--policy", env.Policy, "--debug", "copy", "--dest-tls-verify=false", "--preserve-digests",
            $"oci:{cardLayout}:card", $"docker://{Server.HostPort}/{repo}:card");
        Assert.Equal(card.Manifest.Data, await Registry.GetManifestAsync(repo, card.Digest));

        // Found through the referrers API, with and without the filter.
        var referrers = await Registry.ReferrersAsync(repo, subject.Digest);
        var entry = Assert.Single(referrers["manifests"]!.AsArray());
        Assert.Equal(card.Digest, entry!["digest"]!.GetValue<string>());
        Assert.Equal(ModelCard, entry["artifactType"]!.GetValue<string>());
        Assert.Equal("en", entry["annotations"]!["org.example.card.lang"]!.GetValue<string>());

        using var filtered = await Registry.GetAsync($"/v2/{repo}/referrers/{subject.Digest}?artifactType={Uri.EscapeDataString(ModelCard)}");
        await OciAssert.Status(filtered, HttpStatusCode.OK);
        Assert.Equal("artifactType", OciAssert.Header(filtered, "OCI-Filters-Applied"));
        Assert.Single(((JsonObject)await OciAssert.Json(filtered))["manifests"]!.AsArray());

        // And a client reads the artifact back by the digest the referrers list gave.
        var raw = await env.Command.RunAsync("skopeo", "inspect", "--raw", "--tls-verify=false",
            $"docker://{Server.HostPort}/{repo}@{entry["digest"]!.GetValue<string>()}");
        Assert.Equal(Encoding.UTF8.GetString(card.Manifest.Data), raw.StdOut.TrimEnd('\n'));
    }

    [ToolFact("curl")]
    public async Task Curl_pushes_an_attachment_by_digest_and_reads_the_referrers_list()
    {
        Prerequisites.Require("curl");
        var command = new Command(Output);
        using var dir = new TempDirectory("wharf-e2e");
        const string repo = "artifacts/curl";
        var subject = Images.Random(layers: 1);
        await Registry.PushImageAsync(repo, subject, "v1");

        var sig = Images.Artifact(subject.Descriptor(), "application/vnd.example.signature.v1");
        string baseUrl = $"http://{Server.HostPort}";
        foreach (var blob in sig.AllBlobs())
        {
            string file = Path.Combine(dir.Path, Digests.Hex(blob.Digest));
            await File.WriteAllBytesAsync(file, blob.Data);
            var post = await command.RunAsync("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                "-H", "Content-Type: application/octet-stream", "--data-binary", $"@{file}", $"{baseUrl}/v2/{repo}/blobs/uploads/?digest={blob.Digest}");
            Assert.Equal("201", post.StdOut.Trim());
        }
        string manifestFile = Path.Combine(dir.Path, "manifest.json");
        await File.WriteAllBytesAsync(manifestFile, sig.Manifest.Data);
        var put = await command.RunAsync("curl", "-sS", "-D", "-", "-o", "/dev/null", "-X", "PUT",
            "-H", $"Content-Type: {MediaType.OciManifest}", "--data-binary", $"@{manifestFile}", $"{baseUrl}/v2/{repo}/manifests/{sig.Digest}");
        Assert.Contains("HTTP/1.1 201", put.StdOut, StringComparison.Ordinal);
        Assert.Contains($"oci-subject: {subject.Digest}", put.StdOut.ToLowerInvariant(), StringComparison.Ordinal);

        var list = await command.RunAsync("curl", "-sS", "-f", $"{baseUrl}/v2/{repo}/referrers/{subject.Digest}");
        var entry = Assert.Single(JsonNode.Parse(list.StdOut)!["manifests"]!.AsArray());
        Assert.Equal(sig.Digest, entry!["digest"]!.GetValue<string>());

        var blobBack = await command.RunAsync("curl", "-sS", "-f", "-o", Path.Combine(dir.Path, "back"), $"{baseUrl}/v2/{repo}/blobs/{sig.ExtraBlobs[1].Digest}");
        Assert.Equal(0, blobBack.ExitCode);
        Assert.Equal(sig.ExtraBlobs[1].Data, await File.ReadAllBytesAsync(Path.Combine(dir.Path, "back")));
    }
}

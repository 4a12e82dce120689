using System.Text;
using Wharf.Client.ModelPack;
using Wharf.Client.Transfer;
using Wharf.Core;

namespace Wharf.Client.Tests;

public sealed class PullerTests(LiveRegistry registry) : IClassFixture<LiveRegistry>
{
    [Theory]
    [InlineData("application/vnd.cncf.model.weight.v1.tar")]
    [InlineData("application/vnd.cncf.model.weight.v1.tar+gzip")]
    [InlineData("application/vnd.oci.image.layer.v1.tar+zstd")]
    public async Task An_archived_layer_is_refused_before_anything_is_written(string mediaType)
    {
        using var dir = new TempDirectory("wharf-ct");
        using var client = registry.Client();
        string repo = LiveRegistry.NewRepo("pull");
        byte[] empty = "{}"u8.ToArray();
        var config = new Descriptor(MediaTypes.OciEmpty, Digest.Compute(empty), 2);
        await client.PushBlobAsync(repo, config, UploadSource.FromBytes(empty));
        byte[] layer = "not really a tarball"u8.ToArray();
        var descriptor = new Descriptor(mediaType, Digest.Compute(layer), layer.Length);
        await client.PushBlobAsync(repo, descriptor, UploadSource.FromBytes(layer));
        byte[] manifest = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",\"artifactType\":\"application/vnd.cncf.model.manifest.v1+json\",\"config\":{{\"mediaType\":\"{MediaTypes.OciEmpty}\",\"digest\":\"{config.Digest}\",\"size\":2}},"
            + $"\"layers\":[{{\"mediaType\":\"{mediaType}\",\"digest\":\"{descriptor.Digest}\",\"size\":{layer.Length},\"annotations\":{{\"org.cncf.model.filepath\":\"weights\"}}}}]}}");
        await client.PutManifestAsync(repo, "v1", manifest, MediaTypes.OciManifest);

        string target = Path.Combine(dir.Path, "out");
        var error = await Assert.ThrowsAsync<UnsafeArtifactException>(() =>
            new ModelPackPuller(client, NoProgress.Instance).PullAsync(ImageReference.Parse($"{registry.HostPort}/{repo}:v1"), target));
        Assert.Contains("archived layer", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }
}

using System.CommandLine;
using System.Globalization;
using Wharf.Client.ModelPack;
using Wharf.Client.Transfer;
using Wharf.Core;

namespace Wharf.Cli;

/// <summary>
/// <c>wharf attach REF FILE --type KIND</c>: pushes FILE as an artifact whose subject is REF's manifest, so the
/// referrers API lists it next to the model (docs/annotations.md has the kinds and media types).
/// </summary>
internal static class AttachCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("REF") { Description = "The model version to attach to" };
        var file = new Argument<string>("FILE") { Description = "The file to attach" };
        var type = new Option<string>("--type", "-t")
        {
            Description = $"What it is: {string.Join(", ", Attachments.ArtifactTypes.Keys)}, or any artifact media type",
            Required = true,
        };
        var created = new Option<string?>("--created") { Description = "Creation time, RFC 3339 (default: none, so the same file attaches to the same digest)" };
        var flags = new RegistryFlags();
        var command = new Command("attach", "Attach a file (model card, evaluation, SBOM, signature, scan…) to a model version") { reference, file, type, created };
        flags.AddTo(command);
        command.SetAction((result, ct) => CliRun.GuardAsync(async () =>
        {
            var target = CliRun.ParseReference(result.GetValue(reference)!);
            string path = result.GetValue(file)!;
            var kind = Attachments.Resolve(result.GetValue(type)!)
                ?? throw new ArgumentException($"--type '{result.GetValue(type)}' is not one of {string.Join(", ", Attachments.ArtifactTypes.Keys)} nor a media type");
            if (!File.Exists(path)) throw new ArgumentException($"{path} does not exist");
            DateTimeOffset? when = result.GetValue(created) is { } c ? DateTimeOffset.Parse(c, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;

            using var client = flags.CreateClient(result, target.Registry);
            var subject = await client.HeadManifestAsync(target.Repository, target.Reference, ct)
                ?? throw new Wharf.Client.RegistryException(System.Net.HttpStatusCode.NotFound, "MANIFEST_UNKNOWN", $"{target} does not exist");

            var (digest, size, head) = await HashAsync(path, ct);
            var layer = new Descriptor(Attachments.LayerMediaType(kind.Kind, head), digest, size);
            byte[] empty = "{}"u8.ToArray();
            await client.PushBlobAsync(target.Repository, new Descriptor(MediaTypes.OciEmpty, Digest.Compute(empty), empty.Length), UploadSource.FromBytes(empty), ct: ct);
            await client.PushBlobAsync(target.Repository, layer, UploadSource.FromFile(path), ct: ct);
            byte[] manifest = Attachments.BuildManifest(kind.ArtifactType, kind.Kind, layer, Path.GetFileName(path), subject, when);
            var stored = await client.PutManifestAsync(target.Repository, Digest.Compute(manifest).ToString(), manifest, MediaTypes.OciManifest, ct);
            Console.WriteLine($"attached {kind.Kind} {Path.GetFileName(path)} to {target.Registry}/{target.Repository}@{subject.Digest}");
            Console.WriteLine($"  {target.Registry}/{target.Repository}@{stored} ({kind.ArtifactType})");
            return 0;
        }));
        return command;
    }

    private static async Task<(Digest Digest, long Size, byte[] Head)> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        using var hash = Digest.CreateHash(Digest.Sha256);
        byte[]? head = null;
        long size = await BlobCopy.CopyAsync(stream, null, chunk =>
        {
            head ??= chunk[..Math.Min(chunk.Length, 4096)].ToArray();
            hash.AppendData(chunk);
        }, null, ct);
        return (Digest.FromHash(Digest.Sha256, hash.GetHashAndReset()), size, head ?? []);
    }
}

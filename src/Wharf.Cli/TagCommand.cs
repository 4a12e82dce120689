using System.CommandLine;
using Wharf.Core;

namespace Wharf.Cli;

/// <summary><c>wharf tag SRC-REF NEW-TAG</c>: puts the same manifest bytes under another tag (same digest).</summary>
internal static class TagCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("SRC-REF") { Description = "HOST[:PORT]/REPOSITORY:TAG or @DIGEST" };
        var newTag = new Argument<string>("NEW-TAG") { Description = "The tag to add (in the same repository)" };
        var flags = new RegistryFlags();
        var command = new Command("tag", "Tag an existing manifest with another tag in the same repository") { source, newTag };
        flags.AddTo(command);
        command.SetAction((result, ct) => CliRun.GuardAsync(async () =>
        {
            var from = CliRun.ParseReference(result.GetValue(source)!);
            string tag = result.GetValue(newTag)!;
            if (!Reference.IsValidTag(tag)) throw new ArgumentException($"'{tag}' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{{0,127}})");
            using var client = flags.CreateClient(result, from.Registry);
            var manifest = await client.GetManifestAsync(from.Repository, from.Reference, ct)
                ?? throw new Wharf.Client.RegistryException(System.Net.HttpStatusCode.NotFound, "MANIFEST_UNKNOWN", $"{from} does not exist");
            // The exact bytes, so the new tag names the very same digest.
            var digest = await client.PutManifestAsync(from.Repository, tag, manifest.Bytes, manifest.MediaType, ct);
            Console.WriteLine($"tagged {from.Registry}/{from.Repository}:{tag}@{digest}");
            return 0;
        }));
        return command;
    }
}

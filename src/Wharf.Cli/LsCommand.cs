using System.CommandLine;
using Wharf.Client;

namespace Wharf.Cli;

/// <summary><c>wharf ls REPO-or-REGISTRY</c>: a repository's tags, or a registry's repositories (catalog).</summary>
internal static class LsCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("TARGET") { Description = "HOST[:PORT]/REPOSITORY for its tags, or HOST[:PORT] for the catalog" };
        var flags = new RegistryFlags();
        var digests = new Option<bool>("--digests", "-d") { Description = "Show each tag's manifest digest" };
        var command = new Command("ls", "List a repository's tags, or a registry's repositories") { target, digests };
        flags.AddTo(command);
        command.SetAction((result, ct) => CliRun.GuardAsync(async () =>
        {
            if (!ImageReference.TrySplitRegistry(result.GetValue(target)!, out var registry, out var rest, out var error))
                throw new ArgumentException(error);
            using var client = flags.CreateClient(result, registry);
            if (rest.Length == 0)
            {
                await foreach (string repository in client.CatalogAsync(ct: ct)) Console.WriteLine(repository);
                return 0;
            }
            var reference = ImageReference.Parse($"{registry}/{rest}");
            bool withDigests = result.GetValue(digests);
            await foreach (string tag in client.ListTagsAsync(reference.Repository, ct: ct))
            {
                if (!withDigests)
                {
                    Console.WriteLine(tag);
                    continue;
                }
                var head = await client.HeadManifestAsync(reference.Repository, tag, ct);
                Console.WriteLine($"{tag,-30} {head?.Digest.ToString() ?? "(gone)"}");
            }
            return 0;
        }));
        return command;
    }
}

using System.Net;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// What a client can see of some repositories: the catalog, their tags and which of some digests they serve as blobs
/// and as manifests. Taken before a request that must be refused and compared after it: bad input changes nothing.
/// </summary>
public sealed record RegistrySnapshot(
    IReadOnlyList<string> Catalog,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, HttpStatusCode> Blobs,
    IReadOnlyDictionary<string, HttpStatusCode> Manifests)
{
    public static async Task<RegistrySnapshot> TakeAsync(RegistryClient registry, IEnumerable<string> repos, IEnumerable<string> digests)
    {
        var repoList = repos.ToList();
        var digestList = digests.ToList();
        var tags = new Dictionary<string, string>();
        var blobs = new Dictionary<string, HttpStatusCode>();
        var manifests = new Dictionary<string, HttpStatusCode>();
        foreach (string repo in repoList)
        {
            var list = await registry.TagsAsync(repo);
            tags[repo] = list is null ? "<unknown repository>" : string.Join(",", list);
            foreach (string digest in digestList)
            {
                blobs[$"{repo}@{digest}"] = await registry.BlobStatusAsync(repo, digest);
                manifests[$"{repo}@{digest}"] = await registry.ManifestStatusAsync(repo, digest);
            }
        }
        return new RegistrySnapshot(await registry.CatalogAsync(), tags, blobs, manifests);
    }

    /// <summary>Takes the snapshot again and asserts it is the same.</summary>
    public async Task AssertUnchangedAsync(RegistryClient registry, string because)
    {
        var after = await TakeAsync(registry, Tags.Keys, Blobs.Keys.Select(k => k[(k.IndexOf('@') + 1)..]).Distinct());
        Assert.True(Catalog.SequenceEqual(after.Catalog),
            $"{because}: catalog changed from [{string.Join(",", Catalog)}] to [{string.Join(",", after.Catalog)}]");
        foreach (var (repo, tags) in Tags)
            Assert.True(tags == after.Tags[repo], $"{because}: tags of {repo} changed from [{tags}] to [{after.Tags[repo]}]");
        foreach (var (key, status) in Blobs)
            Assert.True(status == after.Blobs[key], $"{because}: blob HEAD {key} changed from {(int)status} to {(int)after.Blobs[key]}");
        foreach (var (key, status) in Manifests)
            Assert.True(status == after.Manifests[key], $"{because}: manifest HEAD {key} changed from {(int)status} to {(int)after.Manifests[key]}");
    }
}

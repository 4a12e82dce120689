using Wharf.Scanning.Inventory;
using Wharf.Scanning.Vulnerabilities;

namespace Wharf.Scanning.Tests.Vulnerabilities;

public sealed class OsvDatabaseSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wharf-osv-").FullName;
    private const string Real = "/work/shared/data/osv/pypa-advisory-database/vulns";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ImageInventoryResult Urllib3(string version) =>
        new(null, [new InstalledPackage(PackageEcosystem.PyPI, "urllib3", version, null, null, null, PackageUrl.PyPI("urllib3", version), "sha256:" + new string('0', 64), "p")]);

    [Fact]
    public async Task A_changed_directory_is_reloaded_and_swapped_in_with_a_new_version()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "urllib3"));
        File.Copy($"{Real}/urllib3/PYSEC-2023-212.yaml", Path.Combine(_dir, "urllib3", "PYSEC-2023-212.yaml"));
        // A long poll interval: this test drives reloads itself, the watcher test below relies on notifications.
        using var source = new OsvDatabaseSource(_dir, TimeProvider.System, TimeSpan.FromHours(1));
        var reloaded = new List<string>();
        source.Reloaded += db => reloaded.Add(db.Version);

        Assert.Same(OsvDatabase.Empty, source.Current);
        Assert.True(await source.ReloadIfChangedAsync(CancellationToken.None));
        var first = source.Current;
        Assert.Equal(1, first.RecordCount);
        Assert.Equal(["PYSEC-2023-212"], VulnerabilityMatcher.Match(Urllib3("1.26.12"), first).Findings.Select(f => f.Id));
        Assert.False(await source.ReloadIfChangedAsync(CancellationToken.None));

        File.Copy($"{Real}/urllib3/PYSEC-2023-192.yaml", Path.Combine(_dir, "urllib3", "PYSEC-2023-192.yaml"));
        Assert.True(await source.ReloadIfChangedAsync(CancellationToken.None));
        Assert.NotEqual(first.Version, source.Current.Version);
        Assert.Equal(["PYSEC-2023-192", "PYSEC-2023-212"], VulnerabilityMatcher.Match(Urllib3("1.26.12"), source.Current).Findings.Select(f => f.Id));
        // The old instance is unchanged: a scan that started on it finishes on it.
        Assert.Equal(1, first.RecordCount);
        Assert.Equal([first.Version, source.Current.Version], reloaded);
    }

    [Fact]
    public async Task The_same_content_gives_the_same_version_wherever_it_is_loaded()
    {
        File.Copy($"{Real}/urllib3/PYSEC-2023-212.yaml", Path.Combine(_dir, "PYSEC-2023-212.yaml"));
        var other = Directory.CreateTempSubdirectory("wharf-osv-").FullName;
        try
        {
            File.Copy($"{Real}/urllib3/PYSEC-2023-212.yaml", Path.Combine(other, "PYSEC-2023-212.yaml"));
            Assert.Equal(OsvDatabase.Load(_dir).Version, OsvDatabase.Load(other).Version);
            await File.AppendAllTextAsync(Path.Combine(other, "PYSEC-2023-212.yaml"), "\n# edited\n");
            Assert.NotEqual(OsvDatabase.Load(_dir).Version, OsvDatabase.Load(other).Version);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task A_file_added_while_watching_is_picked_up_without_a_call()
    {
        using var source = new OsvDatabaseSource(_dir, TimeProvider.System, TimeSpan.FromMilliseconds(200));
        var loaded = new TaskCompletionSource<OsvDatabase>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Reloaded += db => { if (db.RecordCount == 1) loaded.TrySetResult(db); };
        File.Copy($"{Real}/urllib3/PYSEC-2023-212.yaml", Path.Combine(_dir, "PYSEC-2023-212.yaml"));
        var db = await loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, db.RecordCount);
    }

    [Fact]
    public void A_malformed_file_is_reported_and_does_not_hide_the_others()
    {
        File.Copy($"{Real}/urllib3/PYSEC-2023-212.yaml", Path.Combine(_dir, "PYSEC-2023-212.yaml"));
        File.WriteAllText(Path.Combine(_dir, "broken.json"), "{\"id\": ");
        var db = OsvDatabase.Load(_dir);
        Assert.Equal(1, db.RecordCount);
        Assert.StartsWith("broken.json:", Assert.Single(db.Errors));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// An immutable, loaded OSV database: every record of a directory tree of OSV files (JSON or YAML, any ecosystem),
/// indexed by ecosystem and normalised package name. A reload builds a new instance and swaps it in whole
/// (<see cref="OsvDatabaseSource"/>), so a scan never sees half a database. <see cref="Version"/> names the content,
/// so a result can record which database made it and a rescan can tell whether the data changed.
/// </summary>
public sealed class OsvDatabase
{
    private readonly Dictionary<(string Ecosystem, string Name), AffectedRanges[]> _index;

    public string Version { get; }
    public int RecordCount { get; }
    public int WithdrawnCount { get; }
    public IReadOnlyList<string> Errors { get; }
    public TimeSpan LoadTime { get; }

    private OsvDatabase(Dictionary<(string, string), AffectedRanges[]> index, string version, int records, int withdrawn,
        IReadOnlyList<string> errors, TimeSpan loadTime)
    {
        (_index, Version, RecordCount, WithdrawnCount, Errors, LoadTime) = (index, version, records, withdrawn, errors, loadTime);
    }

    public static readonly OsvDatabase Empty = new([], "empty", 0, 0, [], TimeSpan.Zero);

    /// <summary>The entries that name this package. <paramref name="ecosystem"/> is OSV's, e.g. "PyPI" or "Debian:12".</summary>
    public IReadOnlyList<AffectedRanges> For(string ecosystem, string name) =>
        _index.GetValueOrDefault((ecosystem, NormalizeName(ecosystem, name))) ?? [];

    /// <summary>PyPI names are compared PEP 503-normalised; other ecosystems' names are exact.</summary>
    public static string NormalizeName(string ecosystem, string name) =>
        ecosystem == "PyPI" ? Pep440Version.NormalizeName(name) : name;

    /// <summary>Loads every *.json, *.yaml and *.yml under <paramref name="directory"/>, parsing in parallel.</summary>
    public static OsvDatabase Load(string directory, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var files = Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Where(IsOsvFile).Order(StringComparer.Ordinal).ToArray();
        var records = new OsvRecord?[files.Length];
        var hashes = new byte[files.Length][];
        var errors = new ConcurrentBag<string>();
        Parallel.For(0, files.Length, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var bytes = File.ReadAllBytes(files[i]);
            hashes[i] = SHA256.HashData(bytes);
            try
            {
                records[i] = files[i].EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                    ? OsvDocumentReader.ReadJson(bytes)
                    : OsvDocumentReader.ReadYaml(Encoding.UTF8.GetString(bytes));
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or YamlDotNet.Core.YamlException or InvalidOperationException)
            {
                // One malformed advisory must not hide all the others; it is reported with the load.
                errors.Add($"{Path.GetRelativePath(directory, files[i])}: {e.Message}");
            }
        });

        var index = new Dictionary<(string, string), List<AffectedRanges>>();
        int loaded = 0, withdrawn = 0;
        foreach (var record in records)
        {
            if (record is null) continue;
            if (record.Withdrawn) { withdrawn++; continue; }
            loaded++;
            foreach (var affected in record.Affected)
            {
                if (VersionOrder.ForEcosystem(affected.Ecosystem) is not { } order) continue;
                var key = (affected.Ecosystem, NormalizeName(affected.Ecosystem, affected.Name));
                if (!index.TryGetValue(key, out var list)) index[key] = list = [];
                list.Add(new AffectedRanges(record, affected, order));
            }
        }
        return new OsvDatabase(index.ToDictionary(p => p.Key, p => p.Value.ToArray()), Fingerprint(files, directory, hashes),
            loaded, withdrawn, errors.Order(StringComparer.Ordinal).ToList(), clock.Elapsed);
    }

    internal static bool IsOsvFile(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    // The version is a hash of every file's name and content: the same data gives the same version on every replica.
    private static string Fingerprint(string[] files, string directory, byte[][] hashes)
    {
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < files.Length; i++)
        {
            all.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(directory, files[i]).Replace('\\', '/') + "\n"));
            all.AppendData(hashes[i]);
        }
        return "sha256:" + Convert.ToHexStringLower(all.GetHashAndReset());
    }
}

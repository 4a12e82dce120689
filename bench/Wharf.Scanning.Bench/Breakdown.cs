using System.Diagnostics;
using System.Text;
using Wharf.Scanning.Vulnerabilities;

namespace Wharf.Scanning.Bench;

/// <summary>Where an OSV load spends its time: reading the files, parsing JSON, parsing YAML (one core, then all).</summary>
internal static class Breakdown
{
    public static void Run(string osv)
    {
        var files = Directory.EnumerateFiles(osv, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)).ToArray();
        var clock = Stopwatch.StartNew();
        var bytes = files.Select(File.ReadAllBytes).ToArray();
        Console.WriteLine($"breakdown: read {files.Length} files {clock.ElapsedMilliseconds} ms, {bytes.Sum(b => (long)b.Length) >> 20} MiB");
        var json = Enumerable.Range(0, files.Length).Where(i => files[i].EndsWith(".json", StringComparison.Ordinal)).ToArray();
        var yaml = Enumerable.Range(0, files.Length).Where(i => files[i].EndsWith(".yaml", StringComparison.Ordinal)).ToArray();
        for (var round = 0; round < 2; round++)
        {
            clock.Restart();
            foreach (var i in json) OsvDocumentReader.ReadJson(bytes[i]);
            var j1 = clock.ElapsedMilliseconds;
            clock.Restart();
            foreach (var i in yaml) OsvDocumentReader.ReadYaml(Encoding.UTF8.GetString(bytes[i]));
            var y1 = clock.ElapsedMilliseconds;
            clock.Restart();
            Parallel.ForEach(yaml, i => OsvDocumentReader.ReadYaml(Encoding.UTF8.GetString(bytes[i])));
            var yp = clock.ElapsedMilliseconds;
            Console.WriteLine($"breakdown round {round}: {json.Length} JSON {j1} ms on one core; {yaml.Length} YAML {y1} ms on one core, {yp} ms parallel");
        }
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using Wharf.Scanning.Inventory;
using Wharf.Scanning.Vulnerabilities;

// The OSV figures of issue 12: load the whole shared OSV data, then match a 500-package image against it.
// Usage: dotnet run -c Release --project bench/Wharf.Scanning.Bench [osv-directory] [dpkg-status]
var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var osv = positional.Length > 0 ? positional[0] : "/work/shared/data/osv";
var status = positional.Length > 1 ? positional[1] : "/var/lib/dpkg/status";

if (args.Contains("--breakdown")) { Wharf.Scanning.Bench.Breakdown.Run(osv); return; }
Console.WriteLine($"machine: {Cpu()}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}");

// Wall time depends on what else the machine runs; CPU time (all threads) is the work itself, and on an idle machine
// with N cores the parallel load takes about CPU time / N.
var loads = new List<double>();
var loadCpu = new List<double>();
OsvDatabase db = OsvDatabase.Empty;
for (var i = 0; i < 5; i++)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    db = OsvDatabase.Load(osv);
    loads.Add(clock.Elapsed.TotalMilliseconds);
    loadCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
}
Console.WriteLine($"load: {db.RecordCount} records (+{db.WithdrawnCount} withdrawn, {db.Errors.Count} errors) from {osv}");
Console.WriteLine($"load ms: first {loads[0]:F0}, best {loads.Min():F0}, median {Median(loads):F0} (runs: {string.Join(", ", loads.Select(l => l.ToString("F0")))})");
Console.WriteLine($"load cpu ms (all threads): first {loadCpu[0]:F0}, best {loadCpu.Min():F0}, median {Median(loadCpu):F0}; load average {LoadAverage()}");

// 400 Python packages, each one with advisories (the worst case: every lookup hits), at versions inside and outside
// their ranges, and 100 Debian packages of this machine's dpkg status.
var names = Directory.GetDirectories(Path.Combine(osv, "pypa-advisory-database", "vulns")).Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(400).ToList();
string[] versions = ["0.1", "1.0.0", "1.2.3", "2.0.0rc1", "2.31.0", "3.0.post1", "10.0.0", "0.9.9"];
var packages = names.Select((n, i) => new InstalledPackage(PackageEcosystem.PyPI, n!, versions[i % versions.Length], null, null, null,
    PackageUrl.PyPI(n!, versions[i % versions.Length]), "sha256:" + new string('0', 64), $"site-packages/{n}.dist-info/METADATA")).ToList();
var debian = File.Exists(status) ? PackageDatabaseParsers.Dpkg(File.ReadAllText(status)).Take(100).ToList() : [];
packages.AddRange(debian.Select(r => new InstalledPackage(PackageEcosystem.Debian, r.Name, r.Version, r.Architecture, r.SourceName, r.SourceVersion,
    PackageUrl.Deb("debian", r.Name, r.Version, r.Architecture, "debian-12"), "sha256:" + new string('1', 64), "var/lib/dpkg/status")));
var inventory = new ImageInventoryResult(new OsRelease("debian", "12", "bookworm", null), packages);

var matches = new List<double>();
var matchCpu = new List<double>();
VulnerabilityReport report = null!;
for (var i = 0; i < 20; i++)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    report = VulnerabilityMatcher.Match(inventory, db);
    matches.Add(clock.Elapsed.TotalMilliseconds);
    matchCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
}
Console.WriteLine($"match: {packages.Count} packages -> {report.Findings.Count} findings ({report.Count(Severity.Critical)} critical, {report.Count(Severity.High)} high, {report.Count(Severity.Medium)} medium, {report.Count(Severity.Low)} low, {report.Count(Severity.Unknown)} unknown)");
Console.WriteLine($"match ms: first {matches[0]:F1} (prepares the ranges it touches), best {matches.Min():F1}, median {Median(matches):F1}");
Console.WriteLine($"match cpu ms: first {matchCpu[0]:F1}, best {matchCpu.Min():F1}, median {Median(matchCpu):F1}; load average {LoadAverage()}");

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s[s.Count / 2];
}

static string LoadAverage()
{
    try
    {
        return File.ReadAllText("/proc/loadavg").Split(' ')[0];
    }
    catch (IOException)
    {
        return "?";
    }
}

static string Cpu()
{
    try
    {
        return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    }
    catch (IOException)
    {
        return "unknown CPU";
    }
}

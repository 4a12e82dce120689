namespace Wharf.Scanning.Vulnerabilities;

/// <summary>One OSV advisory, reduced to what matching and reporting need (schema 1.x).</summary>
public sealed record OsvRecord(
    string Id,
    IReadOnlyList<string> Aliases,
    string? Summary,
    bool Withdrawn,
    IReadOnlyList<OsvAffected> Affected,
    IReadOnlyList<OsvSeverity> Severity,
    string? DatabaseSeverity)
{
    /// <summary>OpenSSF malicious-packages reports: the package itself is the threat, whatever its CVSS.</summary>
    public bool IsMalicious => Id.StartsWith("MAL-", StringComparison.Ordinal);
}

/// <summary>An affected[] entry: one package in one ecosystem, with its ranges and explicit versions.</summary>
public sealed record OsvAffected(
    string Ecosystem,
    string Name,
    IReadOnlyList<OsvRange> Ranges,
    IReadOnlyList<string> Versions,
    IReadOnlyList<OsvSeverity> Severity,
    string? DatabaseSeverity);

/// <summary>A severity[] entry: type (CVSS_V3, CVSS_V4, …) and its score, which for CVSS is the vector.</summary>
public sealed record OsvSeverity(string Type, string Score);

public enum OsvEventKind { Introduced, Fixed, LastAffected, Limit }

public sealed record OsvEvent(OsvEventKind Kind, string Version);

/// <summary>A ranges[] entry; only ECOSYSTEM and SEMVER ranges are evaluated (GIT ranges name commits).</summary>
public sealed record OsvRange(string Type, IReadOnlyList<OsvEvent> Events);

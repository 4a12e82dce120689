namespace Wharf.Scanning.Vulnerabilities;

/// <summary>Qualitative severity, ordered so that a higher value is worse (gates compare with &gt;=).</summary>
public enum Severity
{
    Unknown = 0,
    None = 1,
    Low = 2,
    Medium = 3,
    High = 4,
    Critical = 5,
}

public static class SeverityScale
{
    /// <summary>The CVSS qualitative rating of a base score (the same bands in v3.x and v4.0).</summary>
    public static Severity FromScore(double score) => score switch
    {
        <= 0 => Severity.None,
        < 4.0 => Severity.Low,
        < 7.0 => Severity.Medium,
        < 9.0 => Severity.High,
        _ => Severity.Critical,
    };

    /// <summary>Reads a database_specific severity word ("HIGH", "moderate", …); GitHub says "MODERATE" for Medium.</summary>
    public static Severity FromWord(string? word) => word?.Trim().ToUpperInvariant() switch
    {
        "CRITICAL" => Severity.Critical,
        "HIGH" or "IMPORTANT" => Severity.High,
        "MEDIUM" or "MODERATE" => Severity.Medium,
        "LOW" => Severity.Low,
        "NONE" => Severity.None,
        _ => Severity.Unknown,
    };
}

namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// The severity of an advisory: the base score computed from its CVSS v3.x vector (the highest when several are
/// given); otherwise database_specific.severity; otherwise Unknown. CVSS v4.0 vectors are not scored yet (their
/// MacroVector table is not here), so a v4-only advisory falls back to the database's word. MAL- records are
/// Critical whatever they say.
/// </summary>
public static class AdvisorySeverity
{
    public static (Severity Severity, double? Score, string? Vector, string Source) Of(OsvRecord record, OsvAffected affected)
    {
        if (record.IsMalicious) return (Severity.Critical, null, null, "malicious");
        (double Score, string Vector)? best = null;
        // affected[].severity applies to that package only and takes precedence over the record's when present.
        foreach (var s in affected.Severity.Count > 0 ? affected.Severity : record.Severity)
        {
            double? score = s.Type switch
            {
                "CVSS_V3" => Cvss3.BaseScore(s.Score),
                _ => null,
            };
            if (score is { } v && (best is null || v > best.Value.Score)) best = (v, s.Score);
        }
        if (best is { } b) return (SeverityScale.FromScore(b.Score), b.Score, b.Vector, "cvss");
        var word = SeverityScale.FromWord(affected.DatabaseSeverity ?? record.DatabaseSeverity);
        var vector = (affected.Severity.Count > 0 ? affected.Severity : record.Severity).FirstOrDefault()?.Score;
        return word != Severity.Unknown ? (word, null, vector, "database") : (Severity.Unknown, null, vector, "none");
    }
}

namespace Wharf.Scanning.Inventory;

/// <summary>A package record as a package database spells it, before it is placed in an image.</summary>
public sealed record PackageRecord(string Name, string Version, string? Architecture, string? SourceName, string? SourceVersion);

/// <summary>
/// Parsers for the package databases images carry: dpkg's status file (deb822 paragraphs, also the one-file-per-package
/// status.d of distroless images), apk's installed database, and Python's core metadata (METADATA / PKG-INFO).
/// </summary>
public static class PackageDatabaseParsers
{
    /// <summary>dpkg status paragraphs whose Status says installed; a missing Status (distroless status.d) counts as installed.</summary>
    public static IEnumerable<PackageRecord> Dpkg(string text)
    {
        foreach (var fields in Deb822Paragraphs(text))
        {
            if (!fields.TryGetValue("Package", out var name) || !fields.TryGetValue("Version", out var version)) continue;
            // "install ok installed": the third word is the state; half-installed or config-files packages are not there.
            if (fields.TryGetValue("Status", out var status) && status.Split(' ', StringSplitOptions.RemoveEmptyEntries) is var words
                && (words.Length < 3 || words[2] != "installed"))
                continue;
            string? sourceName = null, sourceVersion = null;
            if (fields.TryGetValue("Source", out var source))
            {
                // "Source: openssl (3.0.11-1~deb12u1)" when the source version differs from the binary's.
                var paren = source.IndexOf('(');
                sourceName = (paren >= 0 ? source[..paren] : source).Trim();
                sourceVersion = paren >= 0 ? source[(paren + 1)..].TrimEnd(')', ' ').Trim() : null;
            }
            yield return new PackageRecord(name, version, fields.GetValueOrDefault("Architecture"),
                sourceName ?? name, sourceVersion ?? version);
        }
    }

    private static IEnumerable<Dictionary<string, string>> Deb822Paragraphs(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? last = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                if (fields.Count > 0) yield return fields;
                fields = new Dictionary<string, string>(StringComparer.Ordinal);
                last = null;
                continue;
            }
            if (line[0] is ' ' or '\t')
            {
                // Continuation lines (Description, Conffiles) are not needed beyond keeping the field.
                if (last is not null) fields[last] += "\n" + line.Trim();
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            last = line[..colon];
            fields[last] = line[(colon + 1)..].Trim();
        }
        if (fields.Count > 0) yield return fields;
    }

    /// <summary>apk's lib/apk/db/installed: blank-line-separated records of "K:value" lines (P name, V version, A arch, o origin).</summary>
    public static IEnumerable<PackageRecord> Apk(string text)
    {
        string? name = null, version = null, arch = null, origin = null;
        foreach (var raw in text.Split('\n').Append(""))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (name is not null && version is not null) yield return new PackageRecord(name, version, arch, origin ?? name, version);
                name = version = arch = origin = null;
                continue;
            }
            if (line.Length < 2 || line[1] != ':') continue;
            var value = line[2..];
            switch (line[0])
            {
                case 'P': name = value; break;
                case 'V': version = value; break;
                case 'A': arch = value; break;
                case 'o': origin = value; break;
            }
        }
    }

    /// <summary>Name and Version from Python core metadata headers (RFC 822 style, ending at the first blank line).</summary>
    public static PackageRecord? PythonMetadata(string text)
    {
        string? name = null, version = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) break; // the body (long description) follows the blank line
            if (line.StartsWith("Name:", StringComparison.OrdinalIgnoreCase)) name ??= line[5..].Trim();
            else if (line.StartsWith("Version:", StringComparison.OrdinalIgnoreCase)) version ??= line[8..].Trim();
        }
        return name is { Length: > 0 } && version is { Length: > 0 } ? new PackageRecord(name, version, null, null, null) : null;
    }
}

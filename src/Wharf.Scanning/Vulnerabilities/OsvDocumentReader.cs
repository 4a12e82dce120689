using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Wharf.Scanning.Vulnerabilities;

/// <summary>
/// Reads an OSV file, JSON or YAML, into an <see cref="OsvRecord"/>. JSON goes through source-generated System.Text.Json
/// (the fast path: most databases are JSON); YAML is turned into a plain tree (maps, lists, strings) and read from it. YAML scalars stay strings: "1.10" must not become 1.1.
/// </summary>
public static class OsvDocumentReader
{
    public static OsvRecord? ReadJson(ReadOnlySpan<byte> utf8)
    {
        var r = JsonSerializer.Deserialize(utf8, OsvJsonContext.Default.OsvJsonRecord);
        if (r?.Id is not { Length: > 0 } id) return null;
        var affected = (r.Affected ?? []).Where(a => a.Package is { Ecosystem: not null, Name: not null }).Select(a => new OsvAffected(
            a.Package!.Ecosystem!, a.Package.Name!,
            (a.Ranges ?? []).Select(g => new OsvRange(g.Type ?? "", (g.Events ?? []).SelectMany(Events).ToList())).ToList(),
            a.Versions ?? [], Severities(a.Severity), a.DatabaseSpecific?.SeverityWord)).ToList();
        return new OsvRecord(id, r.Aliases ?? [], r.Summary, r.Withdrawn is { Length: > 0 }, affected, Severities(r.Severity), r.DatabaseSpecific?.SeverityWord);
    }

    private static List<OsvSeverity> Severities(List<OsvJsonSeverity>? list) =>
        (list ?? []).Where(s => s.Type is not null && s.Score is not null).Select(s => new OsvSeverity(s.Type!, s.Score!)).ToList();

    private static IEnumerable<OsvEvent> Events(Dictionary<string, string> e) => ToEvents(e.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)));

    public static OsvRecord? ReadYaml(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (!parser.TryConsume<DocumentStart>(out _)) return null;
        return ToRecord(FromYaml(parser) as Dictionary<string, object?>);
    }

    private static object? FromYaml(IParser parser)
    {
        if (parser.TryConsume<Scalar>(out var scalar)) return scalar.Value;
        if (parser.TryConsume<SequenceStart>(out _))
        {
            var list = new List<object?>();
            while (!parser.TryConsume<SequenceEnd>(out _)) list.Add(FromYaml(parser));
            return list;
        }
        if (parser.TryConsume<MappingStart>(out _))
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = FromYaml(parser) as string ?? "";
                map[key] = FromYaml(parser);
            }
            return map;
        }
        // Aliases and anything else OSV files do not use: skip the event, keep the shape.
        parser.MoveNext();
        return null;
    }

    private static OsvRecord? ToRecord(Dictionary<string, object?>? root)
    {
        if (root is null || Str(root, "id") is not { Length: > 0 } id) return null;
        var affected = Maps(root, "affected").Select(ToAffected).OfType<OsvAffected>().ToList();
        return new OsvRecord(id, Strings(root, "aliases"), Str(root, "summary"), Str(root, "withdrawn") is { Length: > 0 },
            affected, Severities(root), DatabaseSeverity(root));
    }

    private static OsvAffected? ToAffected(Dictionary<string, object?> a)
    {
        if (a.GetValueOrDefault("package") is not Dictionary<string, object?> package) return null;
        if (Str(package, "ecosystem") is not { } ecosystem || Str(package, "name") is not { } name) return null;
        var ranges = Maps(a, "ranges").Select(r => new OsvRange(
            Str(r, "type") ?? "",
            Maps(r, "events").SelectMany(m => ToEvents(m.Select(p => KeyValuePair.Create(p.Key, p.Value as string)))).ToList())).ToList();
        return new OsvAffected(ecosystem, name, ranges, Strings(a, "versions"), Severities(a), DatabaseSeverity(a));
    }

    private static IEnumerable<OsvEvent> ToEvents(IEnumerable<KeyValuePair<string, string?>> e)
    {
        foreach (var (key, value) in e)
        {
            if (value is not { } v) continue;
            OsvEventKind? kind = key switch
            {
                "introduced" => OsvEventKind.Introduced,
                "fixed" => OsvEventKind.Fixed,
                "last_affected" => OsvEventKind.LastAffected,
                "limit" => OsvEventKind.Limit,
                _ => null,
            };
            if (kind is { } k) yield return new OsvEvent(k, v);
        }
    }

    private static List<OsvSeverity> Severities(Dictionary<string, object?> map) =>
        Maps(map, "severity").Where(s => Str(s, "type") is not null && Str(s, "score") is not null)
            .Select(s => new OsvSeverity(Str(s, "type")!, Str(s, "score")!)).ToList();

    private static string? DatabaseSeverity(Dictionary<string, object?> map) =>
        map.GetValueOrDefault("database_specific") is Dictionary<string, object?> db ? Str(db, "severity") : null;

    private static string? Str(Dictionary<string, object?> map, string key) => map.GetValueOrDefault(key) as string;

    private static List<string> Strings(Dictionary<string, object?> map, string key) =>
        map.GetValueOrDefault(key) is List<object?> list ? list.OfType<string>().ToList() : [];

    private static IEnumerable<Dictionary<string, object?>> Maps(Dictionary<string, object?> map, string key) =>
        map.GetValueOrDefault(key) is List<object?> list ? list.OfType<Dictionary<string, object?>>() : [];
}

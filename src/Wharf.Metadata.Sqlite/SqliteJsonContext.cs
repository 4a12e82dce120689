using System.Text.Json.Serialization;

namespace Wharf.Metadata.Sqlite;

// Source-generated, so annotations and digest lists serialize without reflection (trim- and AOT-safe).
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IEnumerable<string>))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;

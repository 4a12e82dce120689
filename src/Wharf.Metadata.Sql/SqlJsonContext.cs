using System.Text.Json.Serialization;

namespace Wharf.Metadata.Sql;

// Source-generated, so annotations serialize without reflection (trim- and AOT-safe).
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SqlJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Wharf.Server.Oci;

internal sealed record TagList(string Name, IReadOnlyList<string> Tags);

internal sealed record Catalog(IReadOnlyList<string> Repositories);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TagList))]
[JsonSerializable(typeof(Catalog))]
internal sealed partial class OciJson : JsonSerializerContext;

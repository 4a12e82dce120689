using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wharf.Core.Policy;

/// <summary>
/// Source-generated JSON for policies, as the API takes them and the stores keep them. Unknown properties are
/// refused, so a misspelt rule ("imutableTags") is a 400, not a policy silently without it.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(VersioningPolicy))]
public sealed partial class PolicyJson : JsonSerializerContext
{
    public static string Serialize(VersioningPolicy policy) => JsonSerializer.Serialize(policy, Default.VersioningPolicy);

    /// <summary>The policy in <paramref name="json"/>, or null with the reason it is not one.</summary>
    public static VersioningPolicy? Parse(ReadOnlySpan<byte> json, out string? problem)
    {
        problem = null;
        try
        {
            var policy = JsonSerializer.Deserialize(json, Default.VersioningPolicy);
            if (policy is null) problem = "the policy must be a JSON object";
            return policy;
        }
        catch (JsonException e)
        {
            problem = "the body is not a versioning policy: " + e.Message;
            return null;
        }
    }
}

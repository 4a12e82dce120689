using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Wharf.Server;

/// <summary>
/// wharf.yaml as configuration: nested mappings become "Section:Key", sequences "Section:0". YamlDotNet parses;
/// this only flattens (the packaged YAML provider drags in .NET Core 2.0 configuration assemblies).
/// </summary>
public sealed class YamlConfigurationSource(string path, bool optional) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new YamlConfigurationProvider(path, optional);
}

internal sealed class YamlConfigurationProvider(string path, bool optional) : ConfigurationProvider
{
    public override void Load()
    {
        Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            if (optional) return;
            throw new FileNotFoundException($"configuration file '{path}' not found", path);
        }
        var stream = new YamlStream();
        using (var reader = File.OpenText(path)) stream.Load(reader);
        if (stream.Documents.Count > 0) Flatten(stream.Documents[0].RootNode, null);
    }

    private void Flatten(YamlNode node, string? prefix)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                    Flatten(value, Join(prefix, ((YamlScalarNode)key).Value ?? ""));
                break;
            case YamlSequenceNode list:
                for (int i = 0; i < list.Children.Count; i++) Flatten(list.Children[i], Join(prefix, i.ToString()));
                break;
            case YamlScalarNode scalar when prefix is not null:
                Data[prefix] = IsNull(scalar) ? null : scalar.Value;
                break;
        }
    }

    // YAML's null (~, null, or nothing at all, unquoted) means "not set", so the key's default applies.
    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Join(string? prefix, string key) => prefix is null ? key : prefix + ConfigurationPath.KeyDelimiter + key;
}

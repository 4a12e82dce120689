using System.Text;
using Wharf.Contracts.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Wharf.Ml;

/// <summary>Model cards: Markdown with optional YAML front matter (the Hugging Face convention).</summary>
public static class ModelCards
{
    /// <summary>Cards larger than this are not indexed (a card is prose, not data).</summary>
    public const int MaxCardBytes = 1024 * 1024;

    public static bool IsCardPath(string? path)
    {
        if (path is null) return false;
        string name = Path.GetFileName(path);
        return name.Equals("README.md", StringComparison.OrdinalIgnoreCase) || name.Equals("MODEL_CARD.md", StringComparison.OrdinalIgnoreCase)
            || name.Equals("MODELCARD.md", StringComparison.OrdinalIgnoreCase);
    }

    public static ModelCard Parse(ReadOnlySpan<byte> bytes, string source)
    {
        string markdown = Encoding.UTF8.GetString(bytes);
        return new ModelCard(markdown, FrontMatter(markdown), source);
    }

    /// <summary>Top-level scalar (and list-of-scalar, comma-joined) keys of a leading <c>---</c> YAML block.</summary>
    private static Dictionary<string, string>? FrontMatter(string markdown)
    {
        string text = markdown.StartsWith('\uFEFF') ? markdown[1..] : markdown;
        if (!text.StartsWith("---\n", StringComparison.Ordinal) && !text.StartsWith("---\r\n", StringComparison.Ordinal)) return null;
        int start = text.IndexOf('\n') + 1;
        int end = text.IndexOf("\n---", start, StringComparison.Ordinal);
        if (end < 0) return null;
        try
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(text[start..end]));
            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode map) return null;
            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Children)
            {
                if (key is not YamlScalarNode { Value: { } name }) continue;
                switch (value)
                {
                    case YamlScalarNode { Value: { } scalar }: result[name] = scalar; break;
                    case YamlSequenceNode list:
                        result[name] = string.Join(", ", list.Children.OfType<YamlScalarNode>().Select(s => s.Value));
                        break;
                }
            }
            return result.Count > 0 ? new Dictionary<string, string>(result, StringComparer.Ordinal) : null;
        }
        catch (YamlException)
        {
            return null; // a card with broken front matter is still a card
        }
    }
}

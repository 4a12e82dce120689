using System.Text;
using System.Text.RegularExpressions;

namespace Wharf.Integration.Tests.Docs;

/// <summary>
/// One ```sh block of a Markdown page, with what the page says about running it: a comment
/// <c>&lt;!-- readme-test: skip (WHY) --&gt;</c> or <c>&lt;!-- readme-test: needs TOOL … --&gt;</c> on the line
/// before the fence. The markers are visible in the page on purpose: a reader sees which commands CI does not run.
/// </summary>
public sealed record DocBlock(string Page, int Line, string Script, string? SkipReason, IReadOnlyList<string> Needs)
{
    public override string ToString() => $"{Page}:{Line}";
}

public static partial class DocBlocks
{
    public static IReadOnlyList<DocBlock> Read(string path)
    {
        var blocks = new List<DocBlock>();
        string[] lines = File.ReadAllLines(path);
        string page = Path.GetFileName(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```sh") continue;
            int start = i + 1;
            var script = new StringBuilder();
            for (i = start; i < lines.Length && lines[i].TrimEnd() != "```"; i++) script.AppendLine(lines[i]);
            if (i == lines.Length) throw new InvalidDataException($"{page}:{start}: a ```sh block is never closed");

            string? skip = null;
            var needs = new List<string>();
            int before = start - 2;
            while (before >= 0 && lines[before].Trim().Length == 0) before--;
            if (before >= 0 && Marker().Match(lines[before]) is { Success: true } marker)
            {
                string what = marker.Groups["what"].Value.Trim();
                if (what.StartsWith("skip", StringComparison.Ordinal)) skip = what["skip".Length..].Trim(' ', '(', ')');
                else if (what.StartsWith("needs ", StringComparison.Ordinal)) needs.AddRange(what["needs ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                else throw new InvalidDataException($"{page}:{before + 1}: unknown readme-test marker '{what}'");
            }
            blocks.Add(new DocBlock(page, start, script.ToString(), skip, needs));
        }
        return blocks;
    }

    [GeneratedRegex(@"^<!--\s*readme-test:\s*(?<what>.*?)\s*-->\s*$")]
    private static partial Regex Marker();
}

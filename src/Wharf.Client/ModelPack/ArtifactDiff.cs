namespace Wharf.Client.ModelPack;

public enum ChangeKind { Added, Removed, Changed }

public sealed record FileChange(ChangeKind Kind, string Path, ArtifactFile? Before, ArtifactFile? After);

public sealed record FieldChange(ChangeKind Kind, string Key, string? Before, string? After);

/// <summary>What changed between two versions: files by path, config fields and annotations by key.</summary>
public sealed record ArtifactDiff(IReadOnlyList<FileChange> Files, IReadOnlyList<FieldChange> Config, IReadOnlyList<FieldChange> Annotations, int Unchanged)
{
    public bool IsEmpty => Files.Count == 0 && Config.Count == 0 && Annotations.Count == 0;

    public static ArtifactDiff Compute(ArtifactSummary before, ArtifactSummary after)
    {
        var old = before.Files.GroupBy(f => f.Path).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var now = after.Files.GroupBy(f => f.Path).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var files = new List<FileChange>();
        int unchanged = 0;
        foreach (string path in old.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
        {
            old.TryGetValue(path, out var a);
            now.TryGetValue(path, out var b);
            if (a is null) files.Add(new FileChange(ChangeKind.Added, path, null, b));
            else if (b is null) files.Add(new FileChange(ChangeKind.Removed, path, a, null));
            else if (a.Digest != b.Digest || a.MediaType != b.MediaType) files.Add(new FileChange(ChangeKind.Changed, path, a, b));
            else unchanged++;
        }
        return new ArtifactDiff(files, Fields(before.ConfigFields, after.ConfigFields), Fields(before.Annotations, after.Annotations), unchanged);
    }

    private static List<FieldChange> Fields(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var changes = new List<FieldChange>();
        foreach (string key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            bool had = before.TryGetValue(key, out var a), has = after.TryGetValue(key, out var b);
            if (!had) changes.Add(new FieldChange(ChangeKind.Added, key, null, b));
            else if (!has) changes.Add(new FieldChange(ChangeKind.Removed, key, a, null));
            else if (a != b) changes.Add(new FieldChange(ChangeKind.Changed, key, a, b));
        }
        return changes;
    }
}

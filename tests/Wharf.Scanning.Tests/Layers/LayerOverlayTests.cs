using Wharf.Scanning.Inventory;
using Wharf.Scanning.Layers;
using Wharf.Scanning.Tests.Inventory;

namespace Wharf.Scanning.Tests.Layers;

public sealed class LayerOverlayTests
{
    private static LayerEntry E(string path, LayerEntryKind kind, string? link = null) => new(path, kind, 0, link, Stream.Null);

    [Fact]
    public void Union_filesystem_rules_apply_to_lower_layers_only()
    {
        var o = new LayerOverlay<string>();
        o.Set(0, "a/b/METADATA", "ab");
        o.Set(0, "a/bc/METADATA", "abc"); // a sibling whose name starts like "a/b" must survive a whiteout of a/b
        o.Set(0, "d/x", "dx");
        o.Set(0, "f/y", "fy");
        o.Set(1, "d/new", "dnew");
        o.Apply(1, E("a/b", LayerEntryKind.Whiteout));
        o.Apply(1, E("d", LayerEntryKind.OpaqueDirectory)); // comes after d/new in the same layer: d/new stays
        o.Apply(1, E("f", LayerEntryKind.Symlink, "/elsewhere")); // a symlink replacing a directory hides what was below
        Assert.Equal([("a/bc/METADATA", "abc"), ("d/new", "dnew")], o.Items);
        Assert.Equal(1, o.LayerOf("d/new"));
    }

    [Fact]
    public void Hard_links_carry_a_value_only_where_the_caller_says_it_belongs()
    {
        var o = new LayerOverlay<string>();
        o.Set(0, "var/lib/dpkg/status", "db");
        o.Apply(0, E("var/lib/dpkg/status-old", LayerEntryKind.HardLink, "var/lib/dpkg/status"), p => p.EndsWith("/status", StringComparison.Ordinal));
        o.Apply(0, E("copy/var/lib/dpkg/status", LayerEntryKind.HardLink, "var/lib/dpkg/status"), p => p.EndsWith("/status", StringComparison.Ordinal));
        Assert.Equal(["copy/var/lib/dpkg/status", "var/lib/dpkg/status"], o.Items.Select(i => i.Path));
    }

    [Fact]
    public async Task Every_file_that_is_not_a_package_database_is_offered_to_the_visitor_once_with_its_bytes()
    {
        var seen = new List<(int, string, int)>();
        await ImageInventory.ReadAsync(ImageInventoryTests.Image(), CancellationToken.None, async (index, layer, entry, ct) =>
        {
            using var buffer = new MemoryStream();
            await entry.Content.CopyToAsync(buffer, ct);
            seen.Add((index, entry.Path, (int)buffer.Length));
        });
        // os-release, status files and metadata are the inventory's own; the one other file of the image is offered.
        Assert.Equal([(0, $"{ImageInventoryTests.DistPackages}/urllib3/__init__.py", 22)], seen);
        Assert.DoesNotContain(seen, s => InventoryPaths.Classify(s.Item2) != InventoryFileKind.None);
    }
}

using System.Formats.Tar;
using System.Text;
using Wharf.Scanning.Layers;

namespace Wharf.Scanning.Tests.Layers;

public sealed class LayerReaderTests
{
    private const string TarGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static readonly string LongDir = "usr/lib/python3/dist-packages/" + new string('x', 120);

    private static async Task<List<(string Path, LayerEntryKind Kind, long Size, string? Link, string Text)>> ReadAll(byte[] blob, string mediaType,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        var result = new List<(string, LayerEntryKind, long, string?, string)>();
        await using var stream = new ForwardOnlyStream(blob);
        await foreach (var e in LayerReader.ReadAsync(stream, TestLayer.Describe(blob, mediaType, annotations)))
        {
            using var reader = new StreamReader(e.Content, Encoding.UTF8, leaveOpen: true);
            result.Add((e.Path, e.Kind, e.Size, e.LinkTarget, e.Kind == LayerEntryKind.File ? await reader.ReadToEndAsync() : ""));
        }
        return result;
    }

    private static TestLayer Sample(TarEntryFormat format) => new TestLayer(format)
        .Dir("./etc/")
        .File("./etc/hostname", "wharf\n")
        .Symlink("etc/os-release", "../usr/lib/os-release")
        .HardLink("etc/hostname.bak", "./etc/hostname")
        .File("/usr//lib/./os-release", "ID=debian\n");

    private static readonly (string, LayerEntryKind, long, string?, string)[] SampleEntries =
    [
        ("etc", LayerEntryKind.Directory, 0, null, ""),
        ("etc/hostname", LayerEntryKind.File, 6, null, "wharf\n"),
        ("etc/os-release", LayerEntryKind.Symlink, 0, "../usr/lib/os-release", ""),
        ("etc/hostname.bak", LayerEntryKind.HardLink, 0, "etc/hostname", ""),
        ("usr/lib/os-release", LayerEntryKind.File, 10, null, "ID=debian\n"),
    ];

    [Theory]
    [InlineData(TarEntryFormat.Pax)]
    [InlineData(TarEntryFormat.Gnu)]
    [InlineData(TarEntryFormat.Ustar)]
    public async Task Tar_gzip_and_zstd_layers_give_the_same_entries_with_normalised_paths(TarEntryFormat format)
    {
        Assert.Equal(SampleEntries, await ReadAll(Sample(format).Tar(), "application/vnd.oci.image.layer.v1.tar"));
        Assert.Equal(SampleEntries, await ReadAll(Sample(format).Gzip(), TarGzip));
        Assert.Equal(SampleEntries, await ReadAll(Sample(format).Zstd(), "application/vnd.oci.image.layer.v1.tar+zstd"));
    }

    [Fact]
    public async Task Compression_is_sniffed_from_the_bytes_not_the_media_type()
    {
        // A zstd layer labelled gzip, a plain tar labelled zstd, a gzip layer with Docker's media type.
        Assert.Equal(SampleEntries, await ReadAll(Sample(TarEntryFormat.Pax).Zstd(), TarGzip));
        Assert.Equal(SampleEntries, await ReadAll(Sample(TarEntryFormat.Pax).Tar(), "application/vnd.oci.image.layer.v1.tar+zstd"));
        Assert.Equal(SampleEntries, await ReadAll(Sample(TarEntryFormat.Pax).Gzip(), "application/vnd.docker.image.rootfs.diff.tar.gzip"));
    }

    [Theory]
    [InlineData(TarEntryFormat.Pax)]
    [InlineData(TarEntryFormat.Gnu)]
    public async Task Long_names_are_read_from_pax_headers_and_gnu_long_links(TarEntryFormat format)
    {
        var layer = new TestLayer(format).File($"{LongDir}/METADATA", "Name: x\n").Symlink($"{LongDir}/link", LongDir + "/METADATA");
        var entries = await ReadAll(layer.Gzip(), TarGzip);
        Assert.Equal([($"{LongDir}/METADATA", LayerEntryKind.File), ($"{LongDir}/link", LayerEntryKind.Symlink)], entries.Select(e => (e.Path, e.Kind)));
        Assert.Equal(LongDir + "/METADATA", entries[1].Link);
    }

    [Fact]
    public async Task Whiteouts_are_reported_as_the_path_they_remove()
    {
        var layer = new TestLayer().Whiteout("usr/lib/python3/dist-packages", "requests-2.28.1.egg-info").Opaque("opt/venv").Whiteout("", "tmp");
        Assert.Equal(
            [("usr/lib/python3/dist-packages/requests-2.28.1.egg-info", LayerEntryKind.Whiteout), ("opt/venv", LayerEntryKind.OpaqueDirectory), ("tmp", LayerEntryKind.Whiteout)],
            (await ReadAll(layer.Tar(), TarGzip)).Select(e => (e.Path, e.Kind)));
    }

    [Fact]
    public async Task Names_that_climb_out_of_the_root_are_dropped()
    {
        var layer = new TestLayer().File("../../etc/passwd", "x").File("usr/../../etc/shadow", "y").File("usr/lib/../bin/ok", "z");
        Assert.Equal(["usr/bin/ok"], (await ReadAll(layer.Tar(), TarGzip)).Select(e => e.Path));
    }

    [Fact]
    public async Task A_raw_model_layer_is_one_file_at_its_annotated_path_even_when_its_bytes_are_gzip()
    {
        var gzipBytes = new TestLayer().File("inner", "not to be opened").Gzip();
        var entries = await ReadAll(gzipBytes, "application/vnd.cncf.model.weight.v1.raw",
            new Dictionary<string, string> { [LayerReader.FilePathAnnotation] = "./weights/model.safetensors" });
        var e = Assert.Single(entries);
        Assert.Equal(("weights/model.safetensors", LayerEntryKind.File, (long)gzipBytes.Length), (e.Path, e.Kind, e.Size));
        Assert.True(LayerReader.IsRawMediaType("application/vnd.docker.ai.gguf.v3"));
        Assert.True(LayerReader.IsRawMediaType("application/vnd.ollama.image.model"));
        Assert.False(LayerReader.IsRawMediaType("application/vnd.kitops.modelkit.model.v1.tar+gzip"));
    }

    [Fact]
    public async Task A_tar_typed_layer_that_is_not_a_tar_is_reported_as_one_file()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('z', 2000));
        var e = Assert.Single(await ReadAll(bytes, "application/vnd.kitops.modelkit.docs.v1.tar",
            new Dictionary<string, string> { ["org.opencontainers.image.title"] = "README.md" }));
        Assert.Equal(("README.md", 2000), (e.Path, e.Text.Length));
    }

    [Fact]
    public async Task Unread_entry_data_is_skipped_without_buffering_and_the_stream_is_read_once()
    {
        // 64 MiB of file data, none of it read by the consumer: the reader must still reach the entry after it.
        var big = new byte[64 << 20];
        var blob = new TestLayer().File("weights.bin", big).File("after", "tail").Zstd();
        var stream = new ForwardOnlyStream(blob);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var paths = new List<string>();
        await foreach (var e in LayerReader.ReadAsync(stream, TestLayer.Describe(blob, TarGzip)))
            paths.Add(e.Path);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(["weights.bin", "after"], paths);
        Assert.Equal(blob.Length, stream.BytesRead);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes to skip a 64 MiB entry");
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using Wharf.Ml.Formats;
using static Wharf.Ml.Tests.ModelFiles;

namespace Wharf.Ml.Tests.Formats;

public sealed class TarWalkerTests
{
    private static byte[] Tar(bool gzip, params (string Path, byte[] Data)[] files)
    {
        using var output = new MemoryStream();
        using (Stream target = gzip ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : output)
        using (var writer = new TarWriter(target, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, data) in files)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(data) });
        }
        return output.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Weight_headers_inside_a_tar_layer_are_read_in_place(bool gzip)
    {
        var weights = Safetensors([new("w", "F16", 128, 256), new("b", "F32", 256)]);
        // A long path forces a PAX extended header before the entry.
        string longPath = "models/" + new string('d', 120) + "/model.safetensors";
        var layer = Tar(gzip, ("README.md", "# hi"u8.ToArray()), (longPath, weights));
        var found = new List<(string, long, long)>();
        var source = RangeSource.FromBytes(layer);
        string? error = await TarWalker.WalkAsync(source, gzip ? "gzip" : null, async f =>
        {
            long parameters = 0;
            if (f.Path.EndsWith(".safetensors", StringComparison.Ordinal))
            {
                var info = await SafetensorsReader.ReadAsync(f.Content, CancellationToken.None);
                Assert.True(info.Ok, info.Error);
                parameters = info.Value.ParameterCount;
            }
            found.Add((f.Path, f.Size, parameters));
        }, CancellationToken.None);
        Assert.True(error is null, error);
        Assert.Equal([("README.md", 4L, 0L), (longPath, weights.LongLength, 128 * 256 + 256L)], found);
        if (!gzip) Assert.True(source.BytesRead < weights.Length, "an uncompressed tar is walked by range, not read");
    }

    [Fact]
    public async Task A_garbage_tar_is_an_error_not_an_exception()
    {
        var error = await TarWalker.WalkAsync(RangeSource.FromBytes(Enumerable.Repeat((byte)7, 1024).ToArray()), null, _ => Task.CompletedTask, CancellationToken.None);
        Assert.NotNull(error);
    }
}

using System.Formats.Tar;
using System.IO.Compression;

namespace Wharf.Integration.Tests.Infrastructure;

public static class Tarballs
{
    /// <summary>The regular files of a (small) layer tarball, gzip-compressed or not, by path without a leading ./.</summary>
    public static List<(string Path, byte[] Content)> Files(byte[] layer)
    {
        Stream tar = new MemoryStream(layer);
        if (layer.Length >= 2 && layer[0] == 0x1f && layer[1] == 0x8b) tar = new GZipStream(tar, CompressionMode.Decompress);
        using (tar)
        {
            using var reader = new TarReader(tar);
            var result = new List<(string, byte[])>();
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                using var content = new MemoryStream();
                entry.DataStream.CopyTo(content);
                result.Add((entry.Name.TrimStart('.', '/'), content.ToArray()));
            }
            return result;
        }
    }
}

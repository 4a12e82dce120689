using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Wharf.Core;

namespace Wharf.Scanning.Tests.Layers;

/// <summary>Builds real layer blobs (tar written by System.Formats.Tar, then gzip or zstd) for the tests.</summary>
internal sealed class TestLayer
{
    private readonly MemoryStream _tar = new();
    private readonly TarWriter _writer;

    public TestLayer(TarEntryFormat format = TarEntryFormat.Pax)
    {
        Format = format;
        _writer = new TarWriter(_tar, format, leaveOpen: true);
    }

    public TarEntryFormat Format { get; }

    public TestLayer File(string path, byte[] content)
    {
        var entry = Entry(TarEntryType.RegularFile, path);
        entry.DataStream = new MemoryStream(content);
        _writer.WriteEntry(entry);
        return this;
    }

    public TestLayer File(string path, string content) => File(path, System.Text.Encoding.UTF8.GetBytes(content));

    public TestLayer Dir(string path) { _writer.WriteEntry(Entry(TarEntryType.Directory, path)); return this; }

    public TestLayer Symlink(string path, string target)
    {
        var e = Entry(TarEntryType.SymbolicLink, path);
        e.LinkName = target;
        _writer.WriteEntry(e);
        return this;
    }

    public TestLayer HardLink(string path, string target)
    {
        var e = Entry(TarEntryType.HardLink, path);
        e.LinkName = target;
        _writer.WriteEntry(e);
        return this;
    }

    /// <summary>An empty regular file named as the whiteout marker, as buildah and docker write them.</summary>
    public TestLayer Whiteout(string dir, string name) => File($"{dir}/.wh.{name}", []);

    public TestLayer Opaque(string dir) => File($"{dir}/.wh..wh..opq", []);

    private TarEntry Entry(TarEntryType type, string path) => Format switch
    {
        TarEntryFormat.Gnu => new GnuTarEntry(type, path),
        TarEntryFormat.Ustar => new UstarTarEntry(type, path),
        TarEntryFormat.V7 => new V7TarEntry(type is TarEntryType.RegularFile ? TarEntryType.V7RegularFile : type, path),
        _ => new PaxTarEntry(type, path),
    };

    public byte[] Tar()
    {
        _writer.Dispose();
        return _tar.ToArray();
    }

    public byte[] Gzip()
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(Tar());
        return output.ToArray();
    }

    public byte[] Zstd()
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(Tar()).ToArray();
    }

    public static Descriptor Describe(byte[] blob, string mediaType, IReadOnlyDictionary<string, string>? annotations = null) =>
        new(mediaType, Digest.Parse("sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob))), blob.Length, null, annotations);

    public static (Descriptor, Func<CancellationToken, Task<Stream>>) Blob(byte[] blob, string mediaType) =>
        (Describe(blob, mediaType), _ => Task.FromResult<Stream>(new ForwardOnlyStream(blob)));
}

/// <summary>A stream that cannot seek, like a blob store's HTTP or S3 body, so the readers are tested as they run.</summary>
internal sealed class ForwardOnlyStream(byte[] data) : Stream
{
    private readonly MemoryStream _inner = new(data);
    public long BytesRead => _inner.Position;
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7919));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Files copied from this machine's Debian packages (see Inventory/Data/README.md).</summary>
internal static class TestData
{
    public static string Dir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "..", "Inventory", "Data");

    public static string Text(string relative) => System.IO.File.ReadAllText(Path.Combine(Dir(), relative));

    public const string OsvDirectory = "/work/shared/data/osv";
}

namespace Wharf.Client.Transfer;

/// <summary>Where an upload's bytes come from: opened again at any offset, so a failed chunk can be resent.</summary>
public abstract class UploadSource
{
    public abstract Stream OpenAt(long offset);

    public static UploadSource FromFile(string path) => new FileSource(path);

    public static UploadSource FromBytes(ReadOnlyMemory<byte> bytes) => new BytesSource(bytes);

    private sealed class FileSource(string path) : UploadSource
    {
        public override Stream OpenAt(long offset)
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            stream.Seek(offset, SeekOrigin.Begin);
            return stream;
        }
    }

    private sealed class BytesSource(ReadOnlyMemory<byte> bytes) : UploadSource
    {
        public override Stream OpenAt(long offset) => new MemoryStream(bytes[(int)offset..].ToArray(), writable: false);
    }
}

using System.Text;

namespace Wharf.Client.ModelPack;

/// <summary>
/// A Git LFS pointer: the small text file a clone without `git lfs pull` holds in place of a large file
/// ("version https://git-lfs.github.com/spec/v1", then oid and size lines; at most 1024 bytes by the spec).
/// </summary>
public static class GitLfsPointer
{
    private static readonly byte[] Header = Encoding.ASCII.GetBytes("version https://git-lfs.github.com/spec/v1");

    public static bool Is(FileInfo file)
    {
        if (file.Length < Header.Length || file.Length > 1024) return false;
        Span<byte> start = stackalloc byte[Header.Length];
        using var stream = file.OpenRead();
        return stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start.SequenceEqual(Header);
    }
}

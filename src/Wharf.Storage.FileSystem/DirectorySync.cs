using System.Runtime.InteropServices;

namespace Wharf.Storage.FileSystem;

/// <summary>
/// fsync of a directory, so a rename into it survives a crash. .NET refuses to open a directory as a file
/// handle, so this goes to libc; Windows has no equivalent (NTFS journals the rename itself) and skips it.
/// </summary>
internal static partial class DirectorySync
{
    private const int ORdOnly = 0;
    private const int EInval = 22;

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(directory, ORdOnly);
        if (fd < 0) throw new IOException($"cannot open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            // EINVAL: the filesystem cannot sync directories (some FUSE/network mounts); nothing more can be done.
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is int errno && errno != EInval)
                throw new IOException($"fsync of directory '{directory}' failed (errno {errno})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

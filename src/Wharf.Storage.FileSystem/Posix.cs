using System.Runtime.InteropServices;

namespace Wharf.Storage.FileSystem;

/// <summary>
/// The two filesystem guarantees a commit needs that .NET does not give: a rename that refuses to replace
/// (File.Move without overwrite checks, then renames, so two commits of one digest can both "win"), and an
/// fsync of a directory (.NET will not open one). Windows gets both from File.Move/NTFS and skips this.
/// </summary>
internal static partial class Posix
{
    private const int AtFdCwd = -100;
    private const int RenameNoReplace = 1;
    private const int EExist = 17; // the same number on Linux and the BSDs
    private const int EInval = 22;

    /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/> unless that exists: false then.</summary>
    public static bool TryRenameNoReplace(string source, string destination)
    {
        if (OperatingSystem.IsWindows()) return MoveChecked(source, destination);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (RenameAt2(AtFdCwd, source, AtFdCwd, destination, RenameNoReplace) == 0) return true;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EExist) return false;
                if (errno != EInval) throw Error("rename", source, errno); // EINVAL: the filesystem lacks the flag
            }
            catch (EntryPointNotFoundException)
            {
                // a libc older than renameat2 (glibc 2.28): fall through to link
            }
        }
        // link fails if the name exists, atomically; the upload's name goes after. A crash in between leaves an
        // extra name on the blob, which upload expiry removes.
        if (Link(source, destination) == 0)
        {
            File.Delete(source);
            return true;
        }
        int linkErrno = Marshal.GetLastPInvokeError();
        if (linkErrno == EExist) return false;
        return MoveChecked(source, destination); // no hard links here (FAT, some FUSE): best effort
    }

    /// <summary>fsync of a directory, so a rename into it survives a crash.</summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) throw Error("open", directory, Marshal.GetLastPInvokeError());
        try
        {
            // EINVAL: the filesystem cannot sync directories (some FUSE/network mounts); nothing more can be done.
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is int errno && errno != EInval) throw Error("fsync", directory, errno);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Starts writing a range of a file's dirty pages to disk without waiting (Linux sync_file_range). An upload
    /// calls this as it goes, so the fsync at commit finds little left to write: the disk works while the
    /// network does, instead of after it.
    /// </summary>
    public static void StartWriteback(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, long count)
    {
        if (!OperatingSystem.IsLinux()) return;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            // Advisory: an error (EINVAL on filesystems without it) only means commit's fsync does all the work.
            _ = SyncFileRange((int)handle.DangerousGetHandle(), offset, count, SyncFileRangeWrite);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static bool MoveChecked(string source, string destination)
    {
        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
    }

    private static IOException Error(string call, string path, int errno) =>
        errno == 2 ? new FileNotFoundException($"{call} '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", path)
            : new IOException($"{call} '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");

    [LibraryImport("libc", EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    private const uint SyncFileRangeWrite = 2;

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(int fd, long offset, long count, uint flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

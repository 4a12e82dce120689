namespace Wharf.Client.ModelPack;

/// <summary>
/// DIR/.wharf-pull.lock, held with FileShare.None (an advisory flock on Linux, dropped by the kernel if the pull
/// dies) while a pull writes DIR: two pulls into one directory would otherwise race on the same .partial files
/// and fail with a raw IO error. The file is hidden, so a later push of DIR leaves it out, and goes when closed.
/// </summary>
internal sealed class PullLock : IDisposable
{
    public const string FileName = ".wharf-pull.lock";

    private readonly FileStream _file;

    private PullLock(FileStream file) => _file = file;

    public static PullLock Acquire(string directory)
    {
        try
        {
            return new PullLock(new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                FileOptions.DeleteOnClose));
        }
        catch (IOException)
        {
            throw new UnsafeArtifactException($"another wharf pull is writing into {directory} ({FileName} is locked); "
                + "wait for it to finish, or pull into another directory");
        }
    }

    public void Dispose() => _file.Dispose();
}

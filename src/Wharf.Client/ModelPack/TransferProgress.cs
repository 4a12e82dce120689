namespace Wharf.Client.ModelPack;

/// <summary>Where push and pull report progress (the CLI draws bars; tests and pipes need nothing).</summary>
public interface ITransferProgress
{
    /// <summary>A file (or blob) starts; the handle takes byte counts for it.</summary>
    IFileProgress Start(string name, long size);

    /// <summary>
    /// A pass over bytes that are then transferred too (hashing before a push): shown, but not counted in a total,
    /// so the total counts each byte once.
    /// </summary>
    IFileProgress StartPass(string name, long size) => Start(name, size);

    /// <summary>A line of news ("resuming X at 12 MiB"), shown above the bars.</summary>
    void Note(string message);
}

public interface IFileProgress
{
    /// <summary>Bytes moved since the last call (negative when a transfer had to start over).</summary>
    void Advance(long bytes);

    /// <summary>Done: <paramref name="status"/> says how ("uploaded", "exists", "verified"…).</summary>
    void Complete(string status);
}

public sealed class NoProgress : ITransferProgress, IFileProgress
{
    public static readonly NoProgress Instance = new();

    public IFileProgress Start(string name, long size) => this;
    public void Note(string message) { }
    public void Advance(long bytes) { }
    public void Complete(string status) { }
}

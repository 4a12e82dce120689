using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Wharf.Core;

namespace Wharf.Storage.FileSystem;

/// <summary>
/// Blobs and upload sessions as files under one root directory (layout: <see cref="BlobPaths"/>).
/// An upload id that is not a safe token cannot name an upload: creating one throws, looking one up finds nothing.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    // Large enough that a multi-gigabyte layer is a few thousand writes; small enough to pool per request.
    private const int CopyBufferSize = 1024 * 1024;

    // How much an upload writes before it asks the kernel to start putting those pages on disk.
    private const int WritebackStride = 8 * 1024 * 1024;

    public FileSystemBlobStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        Directory.CreateDirectory(Path.Combine(RootDirectory, BlobPaths.BlobsDirectory));
        Directory.CreateDirectory(Path.Combine(RootDirectory, BlobPaths.UploadsDirectory));
    }

    public string RootDirectory { get; }

    public Task<BlobInfo?> StatAsync(Digest digest, CancellationToken ct)
    {
        var file = new FileInfo(BlobPaths.Blob(RootDirectory, digest));
        return Task.FromResult(file.Exists ? new BlobInfo(digest, file.Length) : null);
    }

    public Task<BlobContent?> OpenAsync(Digest digest, CancellationToken ct)
    {
        var file = new FileInfo(BlobPaths.Blob(RootDirectory, digest));
        if (!file.Exists) return Task.FromResult<BlobContent?>(null);
        string path = file.FullName;
        long length = file.Length; // blobs are immutable, so the length read now stays true
        return Task.FromResult<BlobContent?>(new BlobContent(length, path,
            (offset, _, _) => Task.FromResult<Stream>(OpenRead(path, offset, length))));
    }

    public Task<bool> DeleteAsync(Digest digest, CancellationToken ct) =>
        Task.FromResult(DeleteFile(BlobPaths.Blob(RootDirectory, digest)));

    public Task CreateUploadAsync(string uploadId, CancellationToken ct)
    {
        string path = BlobPaths.Upload(RootDirectory, uploadId)
            ?? throw new ArgumentException($"upload id '{uploadId}' is not a safe token", nameof(uploadId));
        // CreateNew: an id names one session; reusing one is a caller bug, never a silent truncation.
        File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write).Dispose();
        return Task.CompletedTask;
    }

    public Task<long?> GetUploadSizeAsync(string uploadId, CancellationToken ct)
    {
        string? path = BlobPaths.Upload(RootDirectory, uploadId);
        var file = path is null ? null : new FileInfo(path);
        return Task.FromResult(file is { Exists: true } ? file.Length : (long?)null);
    }

    /// <remarks>
    /// The caller (the server) checks the offset against the session before calling, so a mismatch here is a
    /// programming error and throws <see cref="ArgumentException"/>. Two pooled buffers, whatever the blob size:
    /// while one is written to disk and shown to <paramref name="observe"/> (the hash) on other threads, the next
    /// is filled from the network, so receiving, hashing and writing overlap instead of taking turns.
    /// </remarks>
    public async Task<long?> AppendUploadAsync(string uploadId, long offset, Stream data, Action<ReadOnlySpan<byte>>? observe, CancellationToken ct)
    {
        using var handle = OpenUploadHandle(uploadId, FileAccess.Write);
        if (handle is null) return null;
        long size = RandomAccess.GetLength(handle);
        if (offset != size)
            throw new ArgumentException($"append at offset {offset}, but upload '{uploadId}' holds {size} bytes", nameof(offset));

        byte[] filling = ArrayPool<byte>.Shared.Rent(CopyBufferSize), spare = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        Task pending = Task.CompletedTask;
        long writebackFrom = size;
        try
        {
            int read;
            // Fill the buffer before writing: a network stream hands out small reads, the disk wants large writes.
            while ((read = await data.ReadAtLeastAsync(filling.AsMemory(0, CopyBufferSize), CopyBufferSize, throwOnEndOfStream: false, ct)) > 0)
            {
                await pending;
                if (size - writebackFrom >= WritebackStride)
                {
                    Posix.StartWriteback(handle, writebackFrom, size - writebackFrom);
                    writebackFrom = size;
                }
                var chunk = filling.AsMemory(0, read);
                long at = size;
                pending = Task.Run(() => WriteAndObserveAsync(handle, chunk, at, observe, ct), ct);
                size += read;
                (filling, spare) = (spare, filling);
            }
            await pending;
        }
        finally
        {
            // Never hand a buffer back to the pool while a write may still be reading it.
            await pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ArrayPool<byte>.Shared.Return(filling);
            ArrayPool<byte>.Shared.Return(spare);
        }
        return size;
    }

    private static async Task WriteAndObserveAsync(SafeFileHandle handle, ReadOnlyMemory<byte> chunk, long at, Action<ReadOnlySpan<byte>>? observe, CancellationToken ct)
    {
        var write = RandomAccess.WriteAsync(handle, chunk, at, ct);
        // The hash runs while the write does. If the write fails the caller drops its hash state, so a hash that
        // saw bytes the file lacks is never used.
        observe?.Invoke(chunk.Span);
        await write;
    }

    public Task<Stream?> OpenUploadAsync(string uploadId, CancellationToken ct)
    {
        var handle = OpenUploadHandle(uploadId, FileAccess.Read);
        return Task.FromResult<Stream?>(handle is null ? null : new FileStream(handle, FileAccess.Read, bufferSize: 0, isAsync: false));
    }

    public Task<CommitResult> CommitUploadAsync(string uploadId, Digest digest, CancellationToken ct)
    {
        string target = BlobPaths.Blob(RootDirectory, digest);
        string? upload = BlobPaths.Upload(RootDirectory, uploadId);
        using (var handle = OpenUploadHandle(uploadId, FileAccess.Write))
        {
            if (handle is null || upload is null) return Task.FromResult(CommitResult.UploadUnknown);
            RandomAccess.FlushToDisk(handle); // the bytes are durable before the name that makes them visible
        }

        if (File.Exists(target)) return Task.FromResult(DropUpload(upload));
        string directory = Path.GetDirectoryName(target)!;
        bool newDirectory = !Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        try
        {
            // Of two concurrent commits of one digest exactly one renames; the other finds the name taken.
            if (!Posix.TryRenameNoReplace(upload, target)) return Task.FromResult(DropUpload(upload));
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult(CommitResult.UploadUnknown); // a concurrent delete or commit of the same upload
        }

        Posix.FlushDirectory(directory);
        if (newDirectory)
        {
            string algorithmDirectory = Path.GetDirectoryName(directory)!;
            Posix.FlushDirectory(algorithmDirectory);
            Posix.FlushDirectory(Path.GetDirectoryName(algorithmDirectory)!);
        }
        return Task.FromResult(CommitResult.Committed);
    }

    public Task<bool> DeleteUploadAsync(string uploadId, CancellationToken ct)
    {
        string? path = BlobPaths.Upload(RootDirectory, uploadId);
        return Task.FromResult(path is not null && DeleteFile(path));
    }

    private static CommitResult DropUpload(string upload)
    {
        File.Delete(upload);
        return CommitResult.AlreadyExists;
    }

    private static bool DeleteFile(string path)
    {
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    private SafeFileHandle? OpenUploadHandle(string uploadId, FileAccess access)
    {
        string? path = BlobPaths.Upload(RootDirectory, uploadId);
        if (path is null) return null;
        try
        {
            // FileShare.Delete: expiry may remove an upload while a slow request still holds it.
            return File.OpenHandle(path, FileMode.Open, access, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static FileStream OpenRead(string path, long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, length);
        // bufferSize 0: callers copy in large chunks, and a FileStream buffer would only add a copy.
        // FileShare.Delete: GC may unlink the blob mid-pull; the open handle keeps the bytes readable.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
            bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        stream.Position = offset;
        return stream;
    }
}

using Wharf.Client.Auth;

namespace Wharf.Client;

/// <summary>How an <see cref="OciClient"/> talks to one registry.</summary>
public sealed record OciClientOptions
{
    /// <summary>Plain HTTP for a registry not on loopback (loopback registries get plain HTTP anyway).</summary>
    public bool PlainHttp { get; init; }

    public ICredentialProvider Credentials { get; init; } = new StaticCredentials(null);

    /// <summary>Blobs up to this size go in one request (POST + PUT); larger ones in PATCH chunks.</summary>
    public long MonolithicLimit { get; init; } = 16 * 1024 * 1024;

    /// <summary>The size of one PATCH: the most an interruption can cost.</summary>
    public long ChunkSize { get; init; } = 64 * 1024 * 1024;

    /// <summary>How many times a failed chunk is resumed (after asking the registry for its offset).</summary>
    public int ChunkRetries { get; init; } = 5;

    /// <summary>Upload bandwidth cap in bytes per second across all transfers of this client (0 = none).</summary>
    public long UploadBytesPerSecond { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Replaces the handler (e.g. for tests that record traffic); the client owns neither it nor its lifetime.</summary>
    public HttpMessageHandler? Handler { get; init; }
}

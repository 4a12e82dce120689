using System.Net;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// The registry the tests talk to: the real <c>wharf serve</c> process on a free loopback port with its own data
/// folder, or several of them (<see cref="WharfOptions.Replicas"/>, or <c>WHARF_TEST_REPLICAS</c>) on one
/// PostgreSQL database and one blob store behind nginx, the scale-out shape. Either way the tests see one address.
/// Replicas can be killed with SIGKILL and started again on the same port and data, and everything they printed is
/// kept so a failing test can show it.
/// </summary>
public sealed class WharfProcess : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _log = [];
    private readonly List<ReplicaProcess> _replicas = [];
    private readonly bool _ownsDataDir;
    private NginxBalancer? _balancer;
    private string? _database;

    private WharfProcess(string dataDir, bool ownsDataDir, WharfOptions options)
    {
        DataDir = dataDir;
        _ownsDataDir = ownsDataDir;
        Options = options;
    }

    /// <summary>The data folder (of the single server; with replicas, the folder that holds one per replica).</summary>
    public string DataDir { get; }

    /// <summary>The PostgreSQL database the server's metadata lives in, when the tests made it one; null: SQLite in <see cref="DataDir"/>.</summary>
    public string? MetadataDatabase => _database;

    /// <summary>The port clients use: the server's, or the load balancer's.</summary>
    public int Port => _balancer?.Port ?? _replicas[0].Port;
    public WharfOptions Options { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>host:port, as OCI clients write it in an image reference.</summary>
    public string HostPort => $"127.0.0.1:{Port}";

    public bool IsRunning => _replicas.All(r => r.IsRunning);

    /// <summary>Each replica's own address, bypassing the balancer.</summary>
    public IReadOnlyList<Uri> ReplicaAddresses => _replicas.Select(r => r.BaseAddress).ToList();

    /// <summary>The nginx in front of the replicas; null for a single server.</summary>
    public NginxBalancer? Balancer => _balancer;

    /// <summary>
    /// Starts a server on a fresh temporary data folder (or <see cref="WharfOptions.DataDir"/>). With more than one
    /// replica, the metadata is on PostgreSQL (a fresh database unless the options name one), blobs are in the test
    /// S3 bucket or one shared folder, the replicas share one token-signing key, and nginx balances between them.
    /// </summary>
    public static async Task<WharfProcess> StartAsync(WharfOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WharfOptions();
        int replicas = options.Replicas ?? TestCluster.DefaultReplicas;
        options = TestStorage.Apply(options);
        (options, string? database) = await TestMetadata.ApplyAsync(options, forcePostgres: replicas > 1, cancellationToken);
        bool owns = options.DataDir is null;
        string dataDir = options.DataDir ?? TempDirectory.Create("wharf-data");
        if (replicas > 1) options = TestCluster.Share(options, dataDir);
        var server = new WharfProcess(dataDir, owns, options) { _database = database };
        try
        {
            for (int i = 0; i < replicas; i++)
            {
                string replicaDir = replicas == 1 ? dataDir : Directory.CreateDirectory(Path.Combine(dataDir, $"replica-{i + 1}")).FullName;
                string prefix = replicas == 1 ? "" : $"[r{i + 1}] ";
                server._replicas.Add(new ReplicaProcess(ReplicaProcess.FreeLoopbackPort(), replicaDir, options, prefix, server.Append));
            }
            await server.LaunchAsync(server._replicas, cancellationToken);
            if (replicas > 1) server._balancer = await NginxBalancer.StartAsync(server._replicas.Select(r => r.Port).ToList(), cancellationToken);
            if (database is not null) await TestMetadata.CheckMigratedAsync(database, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Everything the server printed so far, across restarts.</summary>
    public string Log
    {
        get
        {
            lock (_gate) return string.Join('\n', _log);
        }
    }

    /// <summary>Number of log lines so far; pass it to <see cref="LogSince"/> to read a slice.</summary>
    public int LogLineCount
    {
        get
        {
            lock (_gate) return _log.Count;
        }
    }

    public string LogSince(int line)
    {
        lock (_gate) return string.Join('\n', _log.Skip(line));
    }

    /// <summary>SIGKILL of every replica: no shutdown hooks, no flushing; the closest thing to pulling the plug.</summary>
    public async Task KillAsync()
    {
        foreach (var replica in _replicas) await replica.KillAsync();
    }

    /// <summary>Starts every replica again on the same port and data folder (after <see cref="KillAsync"/>).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await KillAsync();
        await LaunchAsync(_replicas, cancellationToken);
    }

    /// <summary>SIGKILL of one replica; the balancer and the others go on.</summary>
    public Task KillReplicaAsync(int index) => _replicas[index].KillAsync();

    /// <summary>Starts one (killed) replica again on its port and data folder.</summary>
    public async Task RestartReplicaAsync(int index, CancellationToken cancellationToken = default)
    {
        await _replicas[index].KillAsync();
        await LaunchAsync([_replicas[index]], cancellationToken);
    }

    /// <summary>A client for this server; its requests and answers are written into <see cref="Log"/>.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) => CreateClient(BaseAddress, timeout);

    /// <summary>A client for one replica, bypassing the balancer.</summary>
    public HttpClient CreateReplicaClient(int index, TimeSpan? timeout = null) => CreateClient(_replicas[index].BaseAddress, timeout);

    private HttpClient CreateClient(Uri baseAddress, TimeSpan? timeout)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        return new HttpClient(new TranscriptHandler(Append) { InnerHandler = handler })
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_balancer is not null)
        {
            string errors = _balancer.ErrorLog;
            if (errors.Length > 0) Append("[nginx] " + errors.Replace("\n", "\n[nginx] ", StringComparison.Ordinal));
            await _balancer.DisposeAsync();
        }
        try
        {
            await KillAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone.
        }
        if (_ownsDataDir) TempDirectory.Delete(DataDir);
        if (_database is not null) await TestMetadata.DropDatabaseAsync(_database);
    }

    private async Task LaunchAsync(IEnumerable<ReplicaProcess> replicas, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(replicas.Select(r => r.LaunchAsync(cancellationToken)));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            throw new InvalidOperationException($"{e.Message}\n--- server output ---\n{Log}", e);
        }
    }

    private void Append(string line)
    {
        lock (_gate) _log.Add(line);
    }
}

/// <summary>How to start a <see cref="WharfProcess"/>.</summary>
public sealed record WharfOptions
{
    /// <summary>Use this data folder (kept afterwards) instead of a fresh temporary one.</summary>
    public string? DataDir { get; init; }

    /// <summary>Passed as <c>--config</c>.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Extra environment, e.g. <c>WHARF__LIMITS__MAXMANIFESTBYTES</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>How many replicas behind nginx; null: <c>WHARF_TEST_REPLICAS</c>, else one server and no balancer.</summary>
    public int? Replicas { get; init; }
}

/// <summary>
/// Writes each request and its answer into the server's log, between the lines the server prints, so a failing
/// test shows the conversation that led to it; error bodies (small ones) are included.
/// </summary>
internal sealed class TranscriptHandler(Action<string> append) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string what = $"[client] {request.Method} {request.RequestUri?.PathAndQuery}";
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception e)
        {
            append($"{what} → {e.GetType().Name}: {e.Message}");
            throw;
        }
        string line = $"{what} → {(int)response.StatusCode}";
        if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentLength is > 0 and < 4096)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            line += " " + await response.Content.ReadAsStringAsync(cancellationToken);
        }
        append(line);
        return response;
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// Debian's nginx as the load balancer in front of several replicas, as deploy/compose.yaml runs it: round robin,
/// request and response bodies streamed (no buffering to disk, no size limit), no timeout a slow upload can hit.
/// It runs in the foreground from a temporary prefix; its access log names the replica of every request.
/// </summary>
public sealed class NginxBalancer : IAsyncDisposable
{
    private readonly string _prefix;
    private readonly Process _process;

    private NginxBalancer(string prefix, int port, Process process)
    {
        _prefix = prefix;
        Port = port;
        _process = process;
    }

    public int Port { get; }

    /// <summary>One line per request: method, path, status, and the upstream address that answered it.</summary>
    public string AccessLog => ReadShared(Path.Combine(_prefix, "access.log"));

    public string ErrorLog => ReadShared(Path.Combine(_prefix, "error.log"));

    public static async Task<NginxBalancer> StartAsync(IReadOnlyList<int> upstreamPorts, CancellationToken cancellationToken = default)
    {
        string nginx = Prerequisites.FindOnPath("nginx")
            ?? throw new InvalidOperationException($"nginx is not installed. {Prerequisites.Hint}");
        string prefix = TempDirectory.Create("wharf-nginx");
        foreach (string temp in new[] { "client", "proxy", "fastcgi", "uwsgi", "scgi" }) Directory.CreateDirectory(Path.Combine(prefix, temp));
        int port = ReplicaProcess.FreeLoopbackPort();
        await File.WriteAllTextAsync(Path.Combine(prefix, "nginx.conf"), Config(prefix, port, upstreamPorts), cancellationToken);

        var info = new ProcessStartInfo(nginx)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { "-p", prefix, "-c", Path.Combine(prefix, "nginx.conf"), "-e", Path.Combine(prefix, "error.log") })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start nginx");
        Reaper.Track(process);
        var balancer = new NginxBalancer(prefix, port, process);
        try
        {
            await balancer.WaitListeningAsync(cancellationToken);
        }
        catch
        {
            await balancer.DisposeAsync();
            throw;
        }
        return balancer;
    }

    private static string Config(string prefix, int port, IReadOnlyList<int> upstreamPorts)
    {
        var upstreams = new StringBuilder();
        foreach (int upstream in upstreamPorts) upstreams.Append($"    server 127.0.0.1:{upstream} max_fails=1 fail_timeout=2s;\n");
        // As root the workers would switch to nobody, who cannot write the temporary prefix.
        string user = Environment.UserName == "root" ? "user root;\n" : "";
        return $$"""
            {{user}}daemon off;
            worker_processes 2;
            pid {{prefix}}/nginx.pid;
            events { worker_connections 4096; }
            http {
              client_body_temp_path {{prefix}}/client;
              proxy_temp_path {{prefix}}/proxy;
              fastcgi_temp_path {{prefix}}/fastcgi;
              uwsgi_temp_path {{prefix}}/uwsgi;
              scgi_temp_path {{prefix}}/scgi;
              log_format upstream '$request_method $request_uri $status $upstream_addr';
              access_log {{prefix}}/access.log upstream;
              upstream wharf {
            {{upstreams}}    keepalive 32;
              }
              server {
                listen 127.0.0.1:{{port}};
                client_max_body_size 0;
                proxy_request_buffering off;
                proxy_buffering off;
                proxy_http_version 1.1;
                proxy_read_timeout 1h;
                proxy_send_timeout 1h;
                proxy_set_header Connection "";
                proxy_set_header Host $http_host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header X-Forwarded-Proto $scheme;
                location / { proxy_pass http://wharf; }
              }
            }
            """;
    }

    private async Task WaitListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"nginx exited with code {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync(cancellationToken)}\n{ErrorLog}");
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync("127.0.0.1", Port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
        throw new TimeoutException($"nginx did not listen on {Port} within 20 s\n{ErrorLog}");
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone.
        }
        _process.Dispose();
        TempDirectory.Delete(_prefix);
    }
}

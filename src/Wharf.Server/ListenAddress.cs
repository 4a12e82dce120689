using System.Net;

namespace Wharf.Server;

/// <summary>Parses the Listen setting: "HOST:PORT", ":PORT" (all interfaces), "[::1]:PORT" or a bare port.</summary>
public static class ListenAddress
{
    public static IPEndPoint Parse(string value)
    {
        if (int.TryParse(value, out int bare))
        {
            if (bare is < 0 or > 65535) throw new FormatException($"Listen port {bare} is not between 0 and 65535");
            return new IPEndPoint(IPAddress.Loopback, bare);
        }
        int colon = value.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(value[(colon + 1)..], out int port) || port is < 0 or > 65535)
            throw new FormatException($"Listen '{value}' must be HOST:PORT");
        var host = value[..colon].Trim('[', ']');
        IPAddress address = host switch
        {
            "" or "*" or "0.0.0.0" => IPAddress.Any,
            "::" => IPAddress.IPv6Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var ip) ? ip : throw new FormatException($"Listen host '{host}' is not an IP address"),
        };
        return new IPEndPoint(address, port);
    }
}

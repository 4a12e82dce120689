using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Wharf.Server;

/// <summary>
/// Http:TrustedProxies: the load balancers whose X-Forwarded-For and X-Forwarded-Proto Wharf believes. Behind
/// one, the peer of every connection is the balancer; without this, the login throttle would count every
/// client's failures as one address and the audit log would name the balancer. Nobody is trusted by default:
/// a client talking to Wharf directly must not be able to choose the address it is throttled and audited as.
/// </summary>
public static class TrustedProxies
{
    /// <summary>Parses "10.0.0.5, 10.1.0.0/16" (addresses or CIDR networks, comma- or space-separated).</summary>
    public static IReadOnlyList<IPNetwork> Parse(string? value)
    {
        var networks = new List<IPNetwork>();
        foreach (string item in (value ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(item, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(item, out var address)) networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else throw new InvalidOperationException($"configuration: Http:TrustedProxies: '{item}' is neither an IP address nor a CIDR network");
        }
        return networks;
    }

    public static void UseTrustedProxies(this WebApplication app, IReadOnlyList<IPNetwork> proxies)
    {
        if (proxies.Count == 0) return;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in proxies) options.KnownIPNetworks.Add(network);
        app.UseForwardedHeaders(options);
    }
}

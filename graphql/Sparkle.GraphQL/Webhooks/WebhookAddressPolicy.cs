using System.Net;
using System.Net.Sockets;

namespace Sparkle.GraphQL.Webhooks;

/// <summary>Where webhooks may be delivered: public internet addresses only, so that a tenant cannot make the
/// platform call into its own network (loopback, private ranges, link-local and the cloud metadata service at
/// 169.254.169.254) or use the delivery log as a port scanner. An operator can allow chosen ranges for
/// on-premises OA systems (Webhooks:AllowedPrivateNetworks, CIDR list). The check runs at creation and again at
/// every connection, on the addresses DNS gives then, so a name that later resolves inside is refused too.</summary>
public sealed class WebhookAddressPolicy
{
    // Not routable on the public internet, or not a unicast host (RFC 6890 and friends).
    private static readonly IPNetwork[] s_forbidden =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    private static readonly IPNetwork s_nat64 = IPNetwork.Parse("64:ff9b::/96");

    private readonly IReadOnlyList<IPNetwork> _allowed;

    public WebhookAddressPolicy(IEnumerable<string> allowedPrivateNetworks)
    {
        _allowed = allowedPrivateNetworks.Select(n => IPNetwork.TryParse(n.Trim(), out var net)
            ? net
            : throw new InvalidOperationException($"Webhooks:AllowedPrivateNetworks: '{n}' is not a CIDR network.")).ToList();
    }

    public bool Allows(IPAddress address)
    {
        var plain = Unwrap(address);
        if (_allowed.Any(n => n.Contains(plain)))
        {
            return true;
        }
        return !s_forbidden.Any(n => n.Contains(plain));
    }

    /// <summary>The URL's host resolved and checked: null when every address is allowed, otherwise why not.</summary>
    public async Task<string?> CheckAsync(Uri url, Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) ? [literal] : await resolve(url.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return "its host name does not resolve";
        }
        if (addresses.Length == 0)
        {
            return "its host name does not resolve";
        }
        return addresses.All(Allows) ? null : "it points into a private, loopback or link-local network";
    }

    /// <summary>IPv4 carried in IPv6 (mapped, or NAT64) is judged as the IPv4 address it is.</summary>
    private static IPAddress Unwrap(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && s_nat64.Contains(address))
        {
            var bytes = address.GetAddressBytes();
            return new IPAddress(bytes.AsSpan(12, 4));
        }
        return address;
    }
}

/// <summary>The delivery client's connections: DNS is resolved here and every address checked against the policy
/// before the socket connects, so the check and the connection use the same answer (no rebinding between them).
/// Redirects are never followed.</summary>
public static class GuardedWebhookConnector
{
    public static SocketsHttpHandler CreateHandler(WebhookAddressPolicy policy, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        resolve ??= (host, ct) => Dns.GetHostAddressesAsync(host, ct);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await resolve(host, cancellationToken);
                var allowed = addresses.Where(policy.Allows).ToList();
                if (allowed.Count == 0 || allowed.Count != addresses.Length)
                {
                    throw new WebhookAddressRefusedException();
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed.ToArray(), context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
    }
}

public sealed class WebhookAddressRefusedException() : IOException("The webhook's address is not a public internet address.");

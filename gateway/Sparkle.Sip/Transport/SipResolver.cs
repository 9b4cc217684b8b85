using System.Net;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Transport;

/// <summary>Maps a SIP URI to a transport and address (RFC 3263 reduced to A/AAAA look-ups: no NAPTR/SRV).</summary>
public static class SipResolver
{
    public static async Task<SipEndPoint> ResolveAsync(SipUri uri, CancellationToken cancellationToken = default)
    {
        var kind = uri.IsSecure ? SipTransportKind.Tls
            : SipTransportKinds.TryParse(uri.Transport, out var t) ? t : SipTransportKind.Udp;
        var port = uri.Port ?? (kind == SipTransportKind.Tls ? 5061 : 5060);
        var host = uri.Parameters["maddr"] ?? uri.HostName;
        if (!IPAddress.TryParse(host, out var address))
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault()
                ?? throw new InvalidOperationException($"Cannot resolve {host}");
        }
        return new SipEndPoint(kind, new IPEndPoint(address, port));
    }
}

using Microsoft.Extensions.Logging;
using Sparkle.Sip.Auth;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Gateway.Focus;

/// <summary>What the focus, registrar, notifier and dial-out share: the cluster, the SIP stack, and the
/// in-memory call table.</summary>
public sealed class FocusContext
{
    public FocusContext(IGrainFactory grains, SipUserAgent agent, SipTransport transport, DigestServer digest,
        string gatewayId, ILoggerFactory loggers, IReadOnlyList<string>? md5OnlyUserAgents = null)
    {
        Grains = grains;
        Agent = agent;
        Transport = transport;
        Digest = digest;
        GatewayId = gatewayId;
        Loggers = loggers;
        Tenants = new TenantDirectory(grains);
        Authenticator = new Authenticator(grains, digest, md5OnlyUserAgents, transport.Guard);
    }

    public IGrainFactory Grains { get; }
    /// <summary>The least time between two conference-event NOTIFYs to one subscriber.</summary>
    public TimeSpan NotifyInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Most entries a factory INVITE's resource list may hold (RFC 5366); more is a 413.</summary>
    public int MaxResourceListEntries { get; init; } = 100;
    /// <summary>Deepest nesting of lists in a resource list (RFC 4826 allows lists in lists).</summary>
    public int MaxResourceListDepth { get; init; } = 4;
    public SipUserAgent Agent { get; }
    public SipTransport Transport { get; }
    public DigestServer Digest { get; }
    public string GatewayId { get; }
    public ILoggerFactory Loggers { get; }
    public TenantDirectory Tenants { get; }
    public Authenticator Authenticator { get; }
    public CallTable Calls { get; } = new();

    /// <summary>Our Contact for a session on <paramref name="transport"/>: the conference's user part at our
    /// address (so in-dialog requests reach us), with ;isfocus when we act as the focus (RFC 4579 §4.2).
    /// A SIPS Contact only when the dialog was set up with a SIPS Request-URI (RFC 3261 §12.1.1); a plain
    /// sip: request over TLS gets sip:...;transport=tls, which every client can route back.</summary>
    public NameAddress Contact(string user, SipTransportKind transport, bool isFocus, bool secureScheme = false)
    {
        var local = Transport.LocalEndPoint(transport) ?? Transport.UdpEndPoint!.Value;
        var sips = secureScheme && transport == SipTransportKind.Tls;
        var uri = new SipUri(sips ? "sips" : "sip", user, Transport.AdvertisedHost, local.Address.Port);
        if (transport == SipTransportKind.Tcp)
        {
            uri.Parameters["transport"] = "tcp";
        }
        else if (transport == SipTransportKind.Tls && !sips)
        {
            uri.Parameters["transport"] = "tls";
        }
        var contact = new NameAddress(uri);
        if (isFocus)
        {
            contact.Parameters["isfocus"] = null;
        }
        return contact;
    }
}

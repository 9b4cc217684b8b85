using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Sparkle.Sip.Transport;

public sealed class SipTransportOptions
{
    public IPAddress BindAddress { get; set; } = IPAddress.Loopback;
    /// <summary>Port 0 picks a free port (tests); null disables the transport.</summary>
    public int? UdpPort { get; set; } = 5060;
    public int? TcpPort { get; set; } = 5060;
    public int? TlsPort { get; set; } = 5061;
    public X509Certificate2? Certificate { get; set; }
    /// <summary>The host written in Via/Contact; defaults to the bind address.</summary>
    public string? AdvertisedHost { get; set; }
    /// <summary>Requests larger than this go over TCP instead of UDP (RFC 3261 §18.1.1).</summary>
    public int UdpMtuLimit { get; set; } = 1300;
    /// <summary>For development and tests only: accept any certificate from TLS peers.</summary>
    public bool AcceptAnyServerCertificate { get; set; }
}

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

    /// <summary>The clock for connection deadlines and abuse limits (a manual one in tests).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
    /// <summary>TCP/TLS: a message must be complete this long after its first byte, or the connection is
    /// closed (slowloris: partial headers trickled forever).</summary>
    public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>TCP/TLS: a connection with no complete message and no CRLF keep-alive (RFC 5626 §3.5.1) for
    /// this long is closed. Phones that register over TCP keep their flow alive within it.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>An inbound TLS handshake that has not finished in this time is abandoned.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>TCP/TLS: a header section above this closes the connection before more is buffered.</summary>
    public int MaxHeaderBytes { get; set; } = 16 * 1024;
    /// <summary>TCP/TLS: a Content-Length above this gets 400 and the connection is closed before the body
    /// is read.</summary>
    public int MaxBodyBytes { get; set; } = 128 * 1024;
    /// <summary>Inbound TCP/TLS connections open at once from one IP address; more are closed at accept.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 32;
    /// <summary>Inbound TCP/TLS connections open at once in all; more are closed at accept.</summary>
    public int MaxConnections { get; set; } = 4096;
    /// <summary>Per-source request rate and bans after failed authentication.</summary>
    public SipAbuseOptions Abuse { get; set; } = new();
}

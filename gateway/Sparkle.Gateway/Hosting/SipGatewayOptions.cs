namespace Sparkle.Gateway.Hosting;

/// <summary>Configuration section "Sip" (environment: Sip__UdpPort, Sip__CertificatePath, ...).</summary>
public sealed class SipGatewayOptions
{
    public const string Section = "Sip";

    /// <summary>The address the listeners bind to.</summary>
    public string Address { get; set; } = "127.0.0.1";
    /// <summary>The host written into Via and Contact (defaults to <see cref="Address"/>).</summary>
    public string? AdvertisedHost { get; set; }
    public int UdpPort { get; set; } = 5060;
    public int TcpPort { get; set; } = 5060;
    public int TlsPort { get; set; } = 5061;
    /// <summary>A PKCS#12 file; without one an in-memory self-signed certificate is generated.</summary>
    public string? CertificatePath { get; set; }
    public string? CertificatePassword { get; set; }
    public string GatewayId { get; set; } = "gateway-" + Environment.MachineName.ToLowerInvariant();
    /// <summary>Base64 HMAC key for digest nonces, shared by all gateways so any of them can verify a
    /// nonce another issued. Random per process when absent.</summary>
    public string? NonceKey { get; set; }
    /// <summary>Digest challenges offered, in order of preference. Clients that read only the first
    /// challenge and know only MD5 (sipp 3.6, old phones) need "MD5,SHA-256".</summary>
    public string DigestAlgorithms { get; set; } = "SHA-256,MD5";
    /// <summary>User-Agent prefixes offered only MD5: clients that fail outright on a SHA-256 challenge.</summary>
    public string Md5OnlyUserAgents { get; set; } = "baresip,SIPp";
    /// <summary>At most one conference-event NOTIFY per subscriber per this many seconds; changes in
    /// between are coalesced into one partial document (RFC 4575 §5.2 recommends 5).</summary>
    public double NotifyIntervalSeconds { get; set; } = 5;
    /// <summary>Seconds between gateway-registry heartbeats.</summary>
    public double HeartbeatSeconds { get; set; } = 1;

    /// <summary>TCP/TLS: seconds a message may take from its first byte to its last (slowloris).</summary>
    public double MessageTimeoutSeconds { get; set; } = 10;
    /// <summary>TCP/TLS: seconds without a complete message or a CRLF keep-alive before a connection is closed.</summary>
    public double IdleTimeoutSeconds { get; set; } = 300;
    /// <summary>Seconds an inbound TLS handshake may take.</summary>
    public double TlsHandshakeTimeoutSeconds { get; set; } = 10;
    /// <summary>TCP/TLS: largest header section buffered; above it the connection is closed.</summary>
    public int MaxHeaderBytes { get; set; } = 16 * 1024;
    /// <summary>TCP/TLS: largest Content-Length accepted; above it 400 and close, before the body is read.</summary>
    public int MaxBodyBytes { get; set; } = 128 * 1024;
    /// <summary>Inbound TCP/TLS connections open at once from one IP address; the excess is closed at accept.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 32;
    /// <summary>Inbound TCP/TLS connections open at once in all.</summary>
    public int MaxConnections { get; set; } = 4096;
    /// <summary>Most entries in a factory INVITE's resource list (RFC 5366); more is refused with 413.</summary>
    public int MaxResourceListEntries { get; set; } = 100;
    /// <summary>Deepest nesting of lists within a resource list; deeper is refused with 413.</summary>
    public int MaxResourceListDepth { get; set; } = 4;
    /// <summary>Requests per second one source address may sustain; above it 503 + Retry-After (INVITE,
    /// REGISTER, SUBSCRIBE, once a second) or silence. 0 disables.</summary>
    public double RequestsPerSecond { get; set; } = 50;
    /// <summary>Requests one source may send at once above the sustained rate.</summary>
    public int RequestBurst { get; set; } = 200;
    /// <summary>Failed digest checks from one address within <see cref="AuthFailureWindowSeconds"/> that ban it. 0 disables.</summary>
    public int AuthFailuresBeforeBan { get; set; } = 10;
    public double AuthFailureWindowSeconds { get; set; } = 60;
    /// <summary>How long a banned address is ignored.</summary>
    public double BanSeconds { get; set; } = 600;
    /// <summary>Comma-separated networks (CIDR) never rate limited or banned: loopback, where the SIP bench drives
    /// hundreds of calls a second; add trusted proxies (a P-CSCF) and trunks. Empty exempts nobody.</summary>
    public string AbuseExemptNetworks { get; set; } = "127.0.0.0/8,::1/128";
}

using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Sparkle.Media.WebRtc;

namespace Sparkle.Media.Tests.WebRtc;

/// <summary>BouncyCastle's DTLS client playing the browser: DTLS 1.2, its own self-signed ECDSA
/// certificate (or none), use_srtp with the profiles Chrome offers (or others, or none).</summary>
internal sealed class BrowserLikeDtlsClient(DtlsCertificate? certificate, int[]? srtpProfiles)
    : DefaultTlsClient(new BcTlsCrypto(new SecureRandom()))
{
    /// <summary>Chrome's order: AEAD_AES_128_GCM (0x0007), AES128_CM_HMAC_SHA1_80 (0x0001), _32 (0x0002).</summary>
    public static readonly int[] ChromeProfiles = [0x0007, 0x0001, 0x0002];

    public byte[]? KeyingMaterial { get; private set; }

    public byte[]? ServerCertificateDer { get; private set; }

    /// <summary>The client's SRTP key material: client_write_key | client_write_salt (RFC 5764 §4.2).</summary>
    public byte[] LocalKeyMaterial => [.. KeyingMaterial!.AsSpan(0, 16), .. KeyingMaterial!.AsSpan(32, 14)];

    /// <summary>The server's: server_write_key | server_write_salt.</summary>
    public byte[] RemoteKeyMaterial => [.. KeyingMaterial!.AsSpan(16, 16), .. KeyingMaterial!.AsSpan(46, 14)];

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    // Bounded, so that a client whose server gave up never hangs a test.
    public override int GetHandshakeTimeoutMillis() => 15_000;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        if (srtpProfiles is not null)
        {
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(srtpProfiles, TlsUtilities.EmptyBytes));
        }
        return extensions;
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        KeyingMaterial = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, 60);
    }

    private sealed class Authentication(BrowserLikeDtlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client.ServerCertificateDer = serverCertificate.Certificate.GetCertificateAt(0).GetEncoded();

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
        {
            if (client.Certificate is null)
            {
                return null!; // an empty Certificate message
            }
            var crypto = (BcTlsCrypto)client.Crypto;
            var chain = new Certificate([crypto.CreateCertificate(CertificateType.X509, client.Certificate.Der)]);
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.m_context), crypto, client.Certificate.PrivateKey,
                chain, SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
    }

    private DtlsCertificate? Certificate => certificate;
}

/// <summary>Our DtlsSrtpServer and a browser-like client joined by in-memory datagram pipes.</summary>
internal sealed class DtlsPair : IDisposable
{
    private readonly QueuedDatagramTransport _clientTransport;

    public DtlsPair(DtlsCertificate serverCertificate, string fingerprintAlgorithm, string fingerprint,
        Func<byte[], bool>? deliverToClient = null)
    {
        QueuedDatagramTransport? clientTransport = null;
        Server = new DtlsSrtpServer(serverCertificate, fingerprintAlgorithm, fingerprint, datagram =>
        {
            var bytes = datagram.ToArray();
            if (deliverToClient is null || deliverToClient(bytes))
            {
                clientTransport!.Enqueue(bytes);
            }
        });
        _clientTransport = clientTransport = new QueuedDatagramTransport(datagram => Server.OnDatagram(datagram.Span));
    }

    public DtlsSrtpServer Server { get; }

    /// <summary>Runs DtlsClientProtocol.Connect on its own thread, as a browser would on its network thread.</summary>
    public Task<DtlsTransport> ConnectAsync(BrowserLikeDtlsClient client) =>
        Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(client, _clientTransport), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Ends a client still waiting for a server that gave up.</summary>
    public void AbortClient() => _clientTransport.Abort();

    public void Dispose()
    {
        Server.Dispose();
        _clientTransport.Abort();
    }
}

using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Sparkle.Media.WebRtc;

/// <summary>BouncyCastle's TlsServer for one DTLS-SRTP association: DTLS 1.2, ECDHE-ECDSA suites, our
/// self-signed certificate, a required client certificate whose fingerprint must be the one signalled
/// in SDP, use_srtp with SRTP_AES128_CM_HMAC_SHA1_80 only. Each refusal records why, for the
/// DtlsFailedException, and raises a fatal alert (which the client sees).</summary>
internal sealed class SrtpDtlsTlsServer : DefaultTlsServer
{
    /// <summary>RFC 5764 §4.2: two 16-byte keys, then two 14-byte salts.</summary>
    public const int KeyingMaterialLength = 2 * (16 + 14);

    private static readonly int[] s_cipherSuites =
    [
        // What Chrome and Firefox offer with an ECDSA certificate, AEAD first.
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    ];

    private readonly BcTlsCrypto _crypto;
    private readonly DtlsCertificate _certificate;
    private readonly string _remoteFingerprintAlgorithm;
    private readonly string _remoteFingerprint;

    public SrtpDtlsTlsServer(BcTlsCrypto crypto, DtlsCertificate certificate, string remoteFingerprintAlgorithm, string remoteFingerprint)
        : base(crypto)
    {
        _crypto = crypto;
        _certificate = certificate;
        _remoteFingerprintAlgorithm = remoteFingerprintAlgorithm;
        _remoteFingerprint = remoteFingerprint;
    }

    /// <summary>Why the handshake was refused by us, if it was.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>The fatal alert the client sent, if it sent one.</summary>
    public short? AlertReceived { get; private set; }

    /// <summary>The exported SRTP keying material, once the handshake completed.</summary>
    public byte[]? KeyingMaterial { get; private set; }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, s_cipherSuites);

    protected override TlsCredentialedSigner GetECDsaSignerCredentials()
    {
        var chain = new Certificate([_crypto.CreateCertificate(CertificateType.X509, _certificate.Der)]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), _crypto, _certificate.PrivateKey, chain,
            SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var useSrtp = clientExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (useSrtp is null)
        {
            throw Refuse("the client offered no use_srtp extension", AlertDescription.handshake_failure);
        }
        if (Array.IndexOf(useSrtp.ProtectionProfiles, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80) < 0)
        {
            // Our SrtpContext does AES-CM with an 80-bit tag; _32, GCM and NULL profiles are refused.
            throw Refuse("no common SRTP profile: we take SRTP_AES128_CM_HMAC_SHA1_80 (0x0001) only, the client offered "
                + string.Join(",", useSrtp.ProtectionProfiles.Select(p => "0x" + p.ToString("X4"))), AlertDescription.handshake_failure);
        }
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        // RFC 5764 §4.1.1: one profile, and no MKI (we never use one).
        TlsSrtpUtilities.AddUseSrtpExtension(extensions,
            new UseSrtpData([SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest()
    {
        // RFC 5763 §5: the client must present the certificate whose fingerprint its SDP carries.
        var signatureAlgorithms = new List<SignatureAndHashAlgorithm>
        {
            SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
            SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
            SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa),
            SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
            SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
            SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha384, SignatureAlgorithm.rsa),
            SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha512, SignatureAlgorithm.rsa),
        };
        return new CertificateRequest([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], signatureAlgorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate is null || clientCertificate.IsEmpty)
        {
            throw Refuse("the client sent no certificate", AlertDescription.handshake_failure);
        }
        var actual = DtlsCertificate.Fingerprint(_remoteFingerprintAlgorithm, clientCertificate.GetCertificateAt(0).GetEncoded());
        if (actual is null)
        {
            throw Refuse($"unsupported fingerprint algorithm '{_remoteFingerprintAlgorithm}' in the SDP", AlertDescription.bad_certificate);
        }
        if (!string.Equals(actual, _remoteFingerprint.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw Refuse("the client certificate's fingerprint is not the one in the SDP", AlertDescription.bad_certificate);
        }
        // CertificateVerify, checked by BouncyCastle next, proves the client holds the certificate's key.
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        KeyingMaterial = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, KeyingMaterialLength);
    }

    /// <summary>The peer closed the association with close_notify.</summary>
    public bool CloseNotifyReceived { get; private set; }

    /// <summary>RFC 6347 §4.1.2.7: a record that fails authentication is dropped, not fatal; otherwise
    /// anyone who can spoof the browser's address could end the association with one datagram.
    /// BouncyCastle 2.7.0's record layer already discards bad-MAC records itself; this keeps its
    /// DtlsTransport from turning one into a fatal alert should that ever change.</summary>
    public override bool IgnoreCorruptDtlsRecords => true;

    public override void NotifyAlertReceived(short alertLevel, short alertDescription)
    {
        base.NotifyAlertReceived(alertLevel, alertDescription);
        if (alertLevel == AlertLevel.fatal)
        {
            AlertReceived = alertDescription;
        }
        else if (alertDescription == AlertDescription.close_notify)
        {
            CloseNotifyReceived = true;
        }
    }

    private TlsFatalAlert Refuse(string reason, short alert)
    {
        FailureReason ??= reason;
        return new TlsFatalAlert(alert, reason);
    }
}

using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Sparkle.Media.WebRtc;

/// <summary>The worker's DTLS identity: a self-signed certificate whose fingerprint the SDP carries
/// (RFC 8122). Nobody checks its name or chain; the fingerprint in the signalled SDP is the trust.</summary>
public sealed class DtlsCertificate
{
    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        Der = der;
        PrivateKey = privateKey;
        Sha256Fingerprint = Fingerprint("sha-256", der)!;
    }

    /// <summary>The certificate, DER-encoded.</summary>
    public byte[] Der { get; }

    internal AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>"sha-256" fingerprint as it goes in SDP: uppercase hex pairs joined by ':'.</summary>
    public string Sha256Fingerprint { get; }

    /// <summary>A self-signed ECDSA P-256 certificate (what browsers use), valid from 30 days back to one
    /// year ahead (clock skew), random serial, CN=sparkle.</summary>
    public static DtlsCertificate CreateSelfSigned()
    {
        var random = new SecureRandom();
        var keyGenerator = new ECKeyPairGenerator("EC");
        // A named curve, so the certificate says secp256r1 by OID: browsers refuse explicit parameters.
        keyGenerator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keys = keyGenerator.GenerateKeyPair();

        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F; // positive, and at most 20 bytes (RFC 5280 §4.1.2.2)
        serial[0] |= 0x01;
        var name = new X509Name("CN=sparkle");
        var now = DateTime.UtcNow;
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(1, serial));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(now.AddDays(-30));
        generator.SetNotAfter(now.AddDays(365));
        generator.SetPublicKey(keys.Public);
        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random));
        return new DtlsCertificate(certificate.GetEncoded(), keys.Private);
    }

    /// <summary>Fingerprint of arbitrary DER with "sha-1", "sha-256", "sha-384" or "sha-512" (case-insensitive,
    /// as RFC 8122's hash function tokens are); null for any other algorithm.</summary>
    public static string? Fingerprint(string algorithm, ReadOnlySpan<byte> der)
    {
        Span<byte> hash = stackalloc byte[64];
        int length;
        switch (algorithm?.ToLowerInvariant())
        {
            case "sha-1":
                length = SHA1.HashData(der, hash);
                break;
            case "sha-256":
                length = SHA256.HashData(der, hash);
                break;
            case "sha-384":
                length = SHA384.HashData(der, hash);
                break;
            case "sha-512":
                length = SHA512.HashData(der, hash);
                break;
            default:
                return null;
        }
        var text = new char[length * 3 - 1];
        const string digits = "0123456789ABCDEF";
        for (var i = 0; i < length; i++)
        {
            if (i > 0)
            {
                text[i * 3 - 1] = ':';
            }
            text[i * 3] = digits[hash[i] >> 4];
            text[i * 3 + 1] = digits[hash[i] & 0xF];
        }
        return new string(text);
    }
}

/// <summary>The DTLS handshake of a leg failed; the message says why.</summary>
public sealed class DtlsFailedException(string message, Exception? inner = null) : Exception(message, inner);

using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Sparkle.Sip.Transport;

namespace Sparkle.Gateway.Hosting;

internal static class GatewayCertificate
{
    /// <summary>The configured PKCS#12 file, or a self-signed certificate for development.</summary>
    public static X509Certificate2 Load(SipGatewayOptions options, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            logger.LogInformation("TLS certificate from {Path}", options.CertificatePath);
            return SipCertificates.LoadPkcs12(options.CertificatePath, options.CertificatePassword);
        }
        logger.LogWarning("No Sip:CertificatePath configured: using an in-memory self-signed certificate");
        return SipCertificates.CreateSelfSigned(options.AdvertisedHost ?? "localhost");
    }
}

namespace Sparkle.Media.Srtp;

/// <summary>The SDES crypto suites the worker speaks (RFC 4568 §6.2). Both use AES-128 counter mode and
/// HMAC-SHA1; they differ only in the SRTP tag length (SRTCP always carries 80 bits).</summary>
public enum SrtpSuite
{
    AesCm128HmacSha1_80 = 0,
    AesCm128HmacSha1_32 = 1,
}

public static class SrtpSuites
{
    public const int MasterKeyLength = 16;
    public const int MasterSaltLength = 14;
    public const int SrtcpTagLength = 10;

    public static string Name(this SrtpSuite suite) => suite switch
    {
        SrtpSuite.AesCm128HmacSha1_32 => "AES_CM_128_HMAC_SHA1_32",
        _ => "AES_CM_128_HMAC_SHA1_80",
    };

    public static int RtpTagLength(this SrtpSuite suite) => suite == SrtpSuite.AesCm128HmacSha1_32 ? 4 : 10;

    public static bool TryParse(string? name, out SrtpSuite suite)
    {
        switch (name)
        {
            case "AES_CM_128_HMAC_SHA1_80":
                suite = SrtpSuite.AesCm128HmacSha1_80;
                return true;
            case "AES_CM_128_HMAC_SHA1_32":
                suite = SrtpSuite.AesCm128HmacSha1_32;
                return true;
            default:
                suite = default;
                return false;
        }
    }
}

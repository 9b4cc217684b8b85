using System.Security.Cryptography;
using System.Text;

namespace Sparkle.Sip.Auth;

/// <summary>The hash functions of RFC 7616/8760 digest: MD5 and SHA-256, lower-case hex.</summary>
public static class DigestAlgorithm
{
    public const string Md5 = "MD5";
    public const string Sha256 = "SHA-256";

    public static bool IsSupported(string? name) =>
        name is null || name.Equals(Md5, StringComparison.OrdinalIgnoreCase) || name.Equals(Sha256, StringComparison.OrdinalIgnoreCase);

    public static string Hash(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var digest = algorithm.Equals(Sha256, StringComparison.OrdinalIgnoreCase) ? SHA256.HashData(bytes) : MD5.HashData(bytes);
        return Convert.ToHexStringLower(digest);
    }

    public static string Ha1(string algorithm, string username, string realm, string password) =>
        Hash(algorithm, $"{username}:{realm}:{password}");

    /// <summary>The response value (RFC 7616 §3.4.1); qop null means the RFC 2069 form.</summary>
    public static string Response(string algorithm, string ha1, string method, string uri, string nonce,
        string? qop, string? nc, string? cnonce)
    {
        var ha2 = Hash(algorithm, $"{method}:{uri}");
        return qop is null
            ? Hash(algorithm, $"{ha1}:{nonce}:{ha2}")
            : Hash(algorithm, $"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }
}

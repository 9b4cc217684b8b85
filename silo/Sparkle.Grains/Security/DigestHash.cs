using System.Security.Cryptography;
using System.Text;

namespace Sparkle.Grains.Security;

/// <summary>RFC 7616 HA1 = H(username:realm:password), lower-case hex, for MD5 and SHA-256. Only these
/// hashes are stored; the password itself never is.</summary>
public static class DigestHash
{
    public static string Ha1Md5(string username, string realm, string password) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}")));

    public static string Ha1Sha256(string username, string realm, string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}")));
}

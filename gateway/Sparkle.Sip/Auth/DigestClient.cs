using System.Security.Cryptography;
using System.Text;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Auth;

/// <summary>The client side of digest, for trunk credentials: answers a 401/407 challenge, preferring
/// SHA-256 over MD5 (RFC 8760 §2.4).</summary>
public static class DigestClient
{
    /// <summary>Picks the strongest supported challenge of a 401/407 response.</summary>
    public static DigestCredentialsHeader? PickChallenge(SipResponse response)
    {
        var header = response.StatusCode == 407 ? HeaderNames.ProxyAuthenticate : HeaderNames.WwwAuthenticate;
        DigestCredentialsHeader? best = null;
        foreach (var line in response.Headers.GetLines(header))
        {
            if (!DigestCredentialsHeader.TryParse(line, out var c) || !DigestAlgorithm.IsSupported(c!.Algorithm))
            {
                continue;
            }
            if (best is null || (c.Algorithm.Equals(DigestAlgorithm.Sha256, StringComparison.OrdinalIgnoreCase)
                                 && !best.Algorithm.Equals(DigestAlgorithm.Sha256, StringComparison.OrdinalIgnoreCase)))
            {
                best = c;
            }
        }
        return best;
    }

    /// <summary>Builds the Authorization/Proxy-Authorization value for a challenge.</summary>
    public static string Authorize(DigestCredentialsHeader challenge, string method, string uri, string username,
        string password, int nonceCount = 1, string? cnonce = null)
    {
        var algorithm = challenge.Algorithm;
        var realm = challenge.Realm ?? "";
        var nonce = challenge.Nonce ?? "";
        var ha1 = DigestAlgorithm.Ha1(algorithm, username, realm, password);
        var offersAuth = challenge.Qop?.Split(',').Any(q => q.Trim().Equals("auth", StringComparison.OrdinalIgnoreCase)) == true;
        var qop = offersAuth ? "auth" : null;
        var nc = nonceCount.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        cnonce ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var response = DigestAlgorithm.Response(algorithm, ha1, method, uri, nonce, qop, nc, cnonce);
        var sb = new StringBuilder("Digest username=").Append(HeaderValues.Quote(username))
            .Append(", realm=").Append(HeaderValues.Quote(realm))
            .Append(", nonce=").Append(HeaderValues.Quote(nonce))
            .Append(", uri=").Append(HeaderValues.Quote(uri))
            .Append(", response=\"").Append(response).Append('"')
            .Append(", algorithm=").Append(algorithm);
        if (qop is not null)
        {
            sb.Append(", qop=").Append(qop).Append(", nc=").Append(nc).Append(", cnonce=\"").Append(cnonce).Append('"');
        }
        if (challenge.Opaque is { } opaque)
        {
            sb.Append(", opaque=").Append(HeaderValues.Quote(opaque));
        }
        return sb.ToString();
    }
}

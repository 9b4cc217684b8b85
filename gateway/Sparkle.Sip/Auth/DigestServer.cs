using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Auth;

public enum DigestVerdict
{
    Valid,
    /// <summary>No credentials for this realm: challenge.</summary>
    Missing,
    /// <summary>A genuine nonce that expired or whose count was used already (a replay): challenge again
    /// with stale=true and a fresh nonce.</summary>
    Stale,
    Invalid,
}

/// <summary>The server side of SIP digest (RFC 3261 §22, RFC 7616, RFC 8760). Nonces are a timestamp and
/// random bytes sealed with an HMAC, so any gateway instance can verify any nonce; what makes them
/// single-use is the <see cref="NonceCounter"/>: each (nonce, nc) is accepted once, so a captured
/// Authorization replayed (from any socket, with any Call-ID) is answered with a stale challenge, while a
/// client's refresh with the same nonce and the next nc passes. Without qop a nonce is good for one request.
/// Verification uses only the stored HA1, never a password.</summary>
public sealed class DigestServer
{
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly NonceCounter _counts;

    /// <param name="key">HMAC key shared by the gateways of a cluster (random per process if null).</param>
    /// <param name="algorithms">Challenges offered, in order of preference (default SHA-256 then MD5).</param>
    public DigestServer(byte[]? key = null, TimeSpan? nonceLifetime = null, TimeProvider? time = null,
        IReadOnlyList<string>? algorithms = null, NonceCounter? counts = null)
    {
        _counts = counts ?? new NonceCounter();
        _key = key ?? RandomNumberGenerator.GetBytes(32);
        NonceLifetime = nonceLifetime ?? TimeSpan.FromMinutes(5);
        _time = time ?? TimeProvider.System;
        Algorithms = algorithms is { Count: > 0 } ? algorithms : [DigestAlgorithm.Sha256, DigestAlgorithm.Md5];
        if (Algorithms.Any(a => !DigestAlgorithm.IsSupported(a)))
        {
            throw new ArgumentException("Digest algorithms are SHA-256 and MD5.", nameof(algorithms));
        }
    }

    public TimeSpan NonceLifetime { get; }
    public IReadOnlyList<string> Algorithms { get; }

    /// <summary>Adds the challenges to a 401 (or 407), one per algorithm in order of preference (SHA-256
    /// first by default, RFC 8760 §2.4), each with qop=auth.</summary>
    /// <param name="algorithms">Overrides <see cref="Algorithms"/> for this challenge (client quirks).</param>
    public void Challenge(SipResponse response, string realm, bool stale = false, bool proxy = false,
        IReadOnlyList<string>? algorithms = null)
    {
        var nonce = CreateNonce(realm);
        var header = proxy ? HeaderNames.ProxyAuthenticate : HeaderNames.WwwAuthenticate;
        foreach (var algorithm in algorithms ?? Algorithms)
        {
            var value = new StringBuilder("Digest realm=").Append(HeaderValues.Quote(realm))
                .Append(", nonce=\"").Append(nonce).Append("\", algorithm=").Append(algorithm)
                .Append(", qop=\"auth\"");
            if (stale)
            {
                value.Append(", stale=true");
            }
            response.Headers.Add(header, value.ToString());
        }
    }

    /// <summary>The credentials in the request for this realm, if any.</summary>
    public static DigestCredentialsHeader? FindCredentials(SipRequest request, string realm, bool proxy = false)
    {
        foreach (var line in request.Headers.GetLines(proxy ? HeaderNames.ProxyAuthorization : HeaderNames.Authorization))
        {
            if (DigestCredentialsHeader.TryParse(line, out var c) && string.Equals(c!.Realm, realm, StringComparison.Ordinal))
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>Checks credentials against the stored HA1 of their algorithm.</summary>
    /// <param name="ha1For">Returns the stored HA1 for (algorithm), or null when the user is unknown.</param>
    public DigestVerdict Verify(SipRequest request, DigestCredentialsHeader? credentials, string realm, Func<string, string?> ha1For)
    {
        if (credentials is null)
        {
            return DigestVerdict.Missing;
        }
        if (credentials.Username is null || credentials.Nonce is null || credentials.Uri is null || credentials.Response is null
            || !string.Equals(credentials.Realm, realm, StringComparison.Ordinal)
            || !DigestAlgorithm.IsSupported(credentials.Algorithm))
        {
            return DigestVerdict.Invalid;
        }
        if (credentials.Qop is { } qop && (!qop.Equals("auth", StringComparison.OrdinalIgnoreCase) || credentials.Nc is null || credentials.Cnonce is null))
        {
            return DigestVerdict.Invalid;
        }
        var nonceState = CheckNonce(credentials.Nonce, realm, out var issued);
        if (nonceState == DigestVerdict.Invalid)
        {
            return DigestVerdict.Invalid;
        }
        var ha1 = ha1For(credentials.Algorithm);
        if (ha1 is null)
        {
            return DigestVerdict.Invalid;
        }
        var expected = DigestAlgorithm.Response(credentials.Algorithm, ha1, request.Method, credentials.Uri,
            credentials.Nonce, credentials.Qop, credentials.Nc, credentials.Cnonce);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected),
                Encoding.ASCII.GetBytes(credentials.Response.ToLowerInvariant())))
        {
            return DigestVerdict.Invalid;
        }
        if (nonceState != DigestVerdict.Valid)
        {
            return nonceState;
        }
        // Only a correct response reaches the counter, so forged requests cannot fill it.
        ulong nc = 1;
        if (credentials.Qop is not null && !ulong.TryParse(credentials.Nc, System.Globalization.NumberStyles.AllowHexSpecifier,
                System.Globalization.CultureInfo.InvariantCulture, out nc))
        {
            return DigestVerdict.Invalid;
        }
        var now = _time.GetUtcNow();
        return _counts.TryUse(credentials.Nonce, issued, nc, expiredBefore: now - NonceLifetime)
            ? DigestVerdict.Valid
            : DigestVerdict.Stale;
    }

    public string CreateNonce(string realm)
    {
        Span<byte> raw = stackalloc byte[32];
        BinaryPrimitives.WriteInt64BigEndian(raw, _time.GetUtcNow().ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(raw.Slice(8, 8));
        Mac(raw[..16], realm).AsSpan(0, 16).CopyTo(raw[16..]);
        return Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Valid, Stale (genuine but expired) or Invalid (forged or garbled).</summary>
    public DigestVerdict CheckNonce(string nonce, string realm) => CheckNonce(nonce, realm, out _);

    private DigestVerdict CheckNonce(string nonce, string realm, out DateTimeOffset issued)
    {
        issued = default;
        Span<byte> raw = stackalloc byte[33];
        var b64 = nonce.Replace('-', '+').Replace('_', '/') + "=";
        if (nonce.Length != 43 || !Convert.TryFromBase64String(b64, raw, out var written) || written != 32)
        {
            return DigestVerdict.Invalid;
        }
        var mac = Mac(raw[..16], realm);
        if (!CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, 16), raw.Slice(16, 16)))
        {
            return DigestVerdict.Invalid;
        }
        issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(raw));
        var age = _time.GetUtcNow() - issued;
        return age < TimeSpan.FromSeconds(-5) || age > NonceLifetime ? DigestVerdict.Stale : DigestVerdict.Valid;
    }

    private byte[] Mac(ReadOnlySpan<byte> data, string realm)
    {
        var realmBytes = Encoding.UTF8.GetBytes(realm);
        var input = new byte[data.Length + realmBytes.Length];
        data.CopyTo(input);
        realmBytes.CopyTo(input, data.Length);
        return HMACSHA256.HashData(_key, input);
    }
}

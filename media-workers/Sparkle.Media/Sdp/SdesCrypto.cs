using System.Globalization;
using System.Security.Cryptography;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Sdp;

/// <summary>An RFC 4568 <c>a=crypto</c> line: tag, suite, one inline key (30 bytes of key and salt for
/// AES_CM_128), optional lifetime/MKI and session parameters.</summary>
public sealed record SdesCrypto(int Tag, string SuiteName, byte[] KeyMaterial, bool HasMki, IReadOnlyList<string> SessionParameters)
{
    public const int KeyMaterialLength = SrtpSuites.MasterKeyLength + SrtpSuites.MasterSaltLength;

    public static bool TryParse(string? value, out SdesCrypto crypto)
    {
        crypto = null!;
        if (value is null)
        {
            return false;
        }
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tag)
            || tag > 999_999_999)
        {
            return false;
        }
        // Only the first key is used; several keys (separated by ';') are allowed but rare.
        var keyParam = parts[2].Split(';')[0];
        if (!keyParam.StartsWith("inline:", StringComparison.Ordinal))
        {
            return false;
        }
        var fields = keyParam["inline:".Length..].Split('|');
        byte[] key;
        try
        {
            key = Convert.FromBase64String(fields[0]);
        }
        catch (FormatException)
        {
            return false;
        }
        var hasMki = fields.Skip(1).Any(f => f.Contains(':', StringComparison.Ordinal));
        crypto = new SdesCrypto(tag, parts[1], key, hasMki, parts.Skip(3).ToArray());
        return true;
    }

    /// <summary>Whether the worker can use this line: a known suite, a 30-byte key, no MKI, no session
    /// parameters that change the transform.</summary>
    public bool IsSupported(out SrtpSuite suite) =>
        SrtpSuites.TryParse(SuiteName, out suite)
        && KeyMaterial.Length == KeyMaterialLength
        && !HasMki
        && SessionParameters.All(p => p.StartsWith("KDR=0", StringComparison.Ordinal));

    public static byte[] NewKeyMaterial() => RandomNumberGenerator.GetBytes(KeyMaterialLength);

    public static string Format(int tag, SrtpSuite suite, ReadOnlySpan<byte> keyMaterial) =>
        string.Create(CultureInfo.InvariantCulture, $"{tag} {suite.Name()} inline:{Convert.ToBase64String(keyMaterial)}");
}

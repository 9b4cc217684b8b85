namespace Sparkle.Media.Srtp;

/// <summary>RFC 3711 §4.3 key derivation with a key derivation rate of 0 (the SDES default): the session
/// key for a label is the AES-CM keystream under the master key, starting at IV = (salt XOR label·2^48)·2^16.</summary>
public static class SrtpKeyDerivation
{
    public const byte RtpEncryption = 0;
    public const byte RtpAuthentication = 1;
    public const byte RtpSalt = 2;
    public const byte RtcpEncryption = 3;
    public const byte RtcpAuthentication = 4;
    public const byte RtcpSalt = 5;

    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        using var aes = new AesCounterMode(masterKey);
        Derive(aes, masterSalt, label, output);
    }

    internal static void Derive(AesCounterMode masterCipher, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length != SrtpSuites.MasterSaltLength)
        {
            throw new ArgumentException("The master salt must be 14 bytes.", nameof(masterSalt));
        }
        Span<byte> iv = stackalloc byte[16];
        masterSalt.CopyTo(iv);
        // key_id = label || r (48 bits of r = 0) is right-aligned in the 112-bit salt: label sits at byte 7.
        iv[7] ^= label;
        iv[14] = 0;
        iv[15] = 0;
        masterCipher.Keystream(iv, output);
    }
}

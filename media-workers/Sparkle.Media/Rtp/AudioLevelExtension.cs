using System.Buffers.Binary;

namespace Sparkle.Media.Rtp;

/// <summary>RFC 6464 client-to-mixer audio level: the sender's level of each packet (0 = 0 dBov, loudest;
/// 127 = -127 dBov, silence) and, when it runs a VAD, a voice-activity flag, in an RTP header extension
/// (RFC 8285, one-byte or two-byte form). With it the mixer can leave quiet participants undecoded.
/// The extension is not encrypted by SRTP (RFC 6464 §5): it tells only how loud a packet is.</summary>
public static class AudioLevelExtension
{
    public const string Uri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /// <summary>Levels this quiet or quieter (in -dBov) count as silence when the sender sets no VAD flag.</summary>
    public const byte SilenceLevel = 60;

    /// <summary>Reads the audio level element with <paramref name="id"/> from a parsed packet's header
    /// extension; false when the packet carries none (or a malformed one).</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, in RtpHeader header, int id, out byte level, out bool voice)
    {
        level = 127;
        voice = false;
        if (!header.HasExtension || id is < 1 or > 255)
        {
            return false;
        }
        var start = RtpHeader.MinLength + 4 * header.CsrcCount;
        if (packet.Length < start + 4)
        {
            return false;
        }
        var profile = BinaryPrimitives.ReadUInt16BigEndian(packet[start..]);
        var words = BinaryPrimitives.ReadUInt16BigEndian(packet[(start + 2)..]);
        var end = start + 4 + 4 * words;
        if (end > packet.Length)
        {
            return false;
        }
        var elements = packet[(start + 4)..end];
        if (profile == 0xBEDE)
        {
            return TryReadOneByte(elements, id, out level, out voice);
        }
        return (profile & 0xFFF0) == 0x1000 && TryReadTwoByte(elements, id, out level, out voice);
    }

    /// <summary>Whether a packet with this level is worth decoding for the mix: it has voice by the
    /// sender's VAD, or (without one) it is louder than <see cref="SilenceLevel"/>.</summary>
    public static bool IsSpeech(byte level, bool voice) => voice || level < SilenceLevel;

    private static bool TryReadOneByte(ReadOnlySpan<byte> elements, int id, out byte level, out bool voice)
    {
        level = 127;
        voice = false;
        var i = 0;
        while (i < elements.Length)
        {
            var elementId = elements[i] >> 4;
            if (elementId == 0)
            {
                i++; // padding
                continue;
            }
            if (elementId == 15)
            {
                return false; // reserved: stop reading (RFC 8285 §4.2)
            }
            var length = (elements[i] & 0x0F) + 1;
            if (i + 1 + length > elements.Length)
            {
                return false;
            }
            if (elementId == id)
            {
                return Decode(elements[i + 1], out level, out voice);
            }
            i += 1 + length;
        }
        return false;
    }

    private static bool TryReadTwoByte(ReadOnlySpan<byte> elements, int id, out byte level, out bool voice)
    {
        level = 127;
        voice = false;
        var i = 0;
        while (i < elements.Length)
        {
            if (elements[i] == 0)
            {
                i++; // padding
                continue;
            }
            if (i + 2 > elements.Length)
            {
                return false;
            }
            var elementId = elements[i];
            var length = elements[i + 1];
            if (i + 2 + length > elements.Length)
            {
                return false;
            }
            if (elementId == id && length >= 1)
            {
                return Decode(elements[i + 2], out level, out voice);
            }
            i += 2 + length;
        }
        return false;
    }

    private static bool Decode(byte value, out byte level, out bool voice)
    {
        voice = (value & 0x80) != 0;
        level = (byte)(value & 0x7F);
        return true;
    }

    /// <summary>The extension id the peer offered for audio levels (a=extmap:ID[/dir] URI), if any.</summary>
    public static byte? FindOffered(IEnumerable<string?> extmapValues)
    {
        foreach (var value in extmapValues)
        {
            var parts = (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !parts[1].Equals(Uri, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var idText = parts[0].Split('/')[0];
            if (byte.TryParse(idText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                && id is >= 1 and <= 14)
            {
                return id; // one-byte form ids; 15-255 would need the two-byte form, which we do not offer
            }
        }
        return null;
    }
}

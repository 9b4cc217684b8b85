using System.Buffers.Binary;

namespace Sparkle.Media.Rtp;

/// <summary>The fixed RTP header (RFC 3550 §5.1) read from or written to a span. A value type, so
/// parsing a packet allocates nothing.</summary>
public readonly record struct RtpHeader(
    bool Marker,
    byte PayloadType,
    ushort SequenceNumber,
    uint Timestamp,
    uint Ssrc,
    int HeaderLength,
    int PayloadLength,
    bool HasExtension = false,
    int CsrcCount = 0,
    int PaddingLength = 0)
{
    public const int MinLength = 12;

    /// <summary>Parses a whole RTP packet; false for anything that is not a well-formed version-2 packet.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < MinLength || (packet[0] >> 6) != 2)
        {
            return false;
        }
        var csrcCount = packet[0] & 0x0F;
        var hasExtension = (packet[0] & 0x10) != 0;
        var hasPadding = (packet[0] & 0x20) != 0;
        var headerLength = MinLength + 4 * csrcCount;
        if (hasExtension)
        {
            if (packet.Length < headerLength + 4)
            {
                return false;
            }
            headerLength += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(headerLength + 2)..]);
        }
        if (packet.Length < headerLength)
        {
            return false;
        }
        var padding = 0;
        if (hasPadding)
        {
            padding = packet[^1];
            if (padding == 0 || headerLength + padding > packet.Length)
            {
                return false;
            }
        }
        header = new RtpHeader(
            Marker: (packet[1] & 0x80) != 0,
            PayloadType: (byte)(packet[1] & 0x7F),
            SequenceNumber: BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            Timestamp: BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            Ssrc: BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            HeaderLength: headerLength,
            PayloadLength: packet.Length - headerLength - padding,
            HasExtension: hasExtension,
            CsrcCount: csrcCount,
            PaddingLength: padding);
        return true;
    }

    /// <summary>Writes a 12-byte header (no CSRCs, no extension) and returns its length.</summary>
    public static int Write(Span<byte> destination, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc)
    {
        destination[0] = 0x80;
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        return MinLength;
    }

    public ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> packet) => packet.Slice(HeaderLength, PayloadLength);
}

namespace Sparkle.Media.Rtp;

public enum PacketKind
{
    Garbage = 0,
    Rtp = 1,
    Rtcp = 2,
}

/// <summary>Tells RTP from RTCP on one port (rtcp-mux, RFC 5761 §4): both start with version 2; RTCP
/// packet types 192..223 land where RTP's marker bit plus payload type 64..95 would, which RTP never uses.</summary>
public static class RtpDemux
{
    public static PacketKind Classify(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 8 || (packet[0] >> 6) != 2)
        {
            return PacketKind.Garbage;
        }
        var second = packet[1];
        if (second is >= 192 and <= 223)
        {
            return PacketKind.Rtcp;
        }
        return packet.Length >= RtpHeader.MinLength ? PacketKind.Rtp : PacketKind.Garbage;
    }
}

using System.Buffers.Binary;

namespace Sparkle.Media.Rtp;

/// <summary>Generic NACK (RFC 4585 §6.2.1: RTPFB, FMT 1): each FCI entry names a lost packet (PID) and
/// a bitmask of the 16 after it (BLP). Key frame requests (PLI, FIR) and bitrate feedback are written and
/// read with Sparkle.Video's VideoFeedback.</summary>
public static class RtcpFeedback
{
    public const byte GenericNackFormat = 1;

    /// <summary>Writes one NACK packet naming <paramref name="lost"/> (ascending sequence numbers, as a
    /// receiver finds them); returns its length. At most <paramref name="maxEntries"/> FCI entries.</summary>
    public static int WriteGenericNack(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<ushort> lost, int maxEntries = 16)
    {
        var length = 12;
        var entries = 0;
        var i = 0;
        while (i < lost.Length && entries < maxEntries && destination.Length >= length + 4)
        {
            var pid = lost[i++];
            ushort mask = 0;
            while (i < lost.Length)
            {
                var offset = (ushort)(lost[i] - pid);
                if (offset is 0 or > 16)
                {
                    break;
                }
                mask |= (ushort)(1 << (offset - 1));
                i++;
            }
            BinaryPrimitives.WriteUInt16BigEndian(destination[length..], pid);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(length + 2)..], mask);
            length += 4;
            entries++;
        }
        destination[0] = 0x80 | GenericNackFormat;
        destination[1] = (byte)RtcpPacketType.TransportFeedback;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length / 4 - 1));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        return length;
    }

    /// <summary>Reads the sequence numbers a NACK's FCI (the body after the media SSRC) names into
    /// <paramref name="lost"/>; returns how many fit.</summary>
    public static int ReadGenericNack(ReadOnlySpan<byte> fci, Span<ushort> lost)
    {
        var count = 0;
        for (var offset = 0; offset + 4 <= fci.Length; offset += 4)
        {
            var pid = BinaryPrimitives.ReadUInt16BigEndian(fci[offset..]);
            var mask = BinaryPrimitives.ReadUInt16BigEndian(fci[(offset + 2)..]);
            if (count == lost.Length)
            {
                return count;
            }
            lost[count++] = pid;
            for (var bit = 0; bit < 16 && count < lost.Length; bit++)
            {
                if ((mask & (1 << bit)) != 0)
                {
                    lost[count++] = (ushort)(pid + bit + 1);
                }
            }
        }
        return count;
    }
}

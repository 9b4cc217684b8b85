namespace Sparkle.Media.Rtp;

/// <summary>Our outgoing RTP stream state: SSRC, sequence number and timestamp, with random starting
/// values (RFC 3550 §5.1) and sender counts for SRs.</summary>
public sealed class RtpSequencer
{
    public RtpSequencer(uint ssrc, int clockRate)
    {
        Ssrc = ssrc;
        ClockRate = clockRate;
        SequenceNumber = (ushort)Random.Shared.Next(0, 0x10000);
        Timestamp = (uint)Random.Shared.NextInt64(0, 1L << 32);
    }

    public uint Ssrc { get; }
    public int ClockRate { get; }
    public ushort SequenceNumber { get; private set; }
    public uint Timestamp { get; private set; }
    public uint PacketCount { get; private set; }
    public uint OctetCount { get; private set; }

    /// <summary>Writes the header for the next packet and advances the stream.</summary>
    public int WriteNext(Span<byte> destination, byte payloadType, bool marker, int payloadLength, uint timestampIncrement)
    {
        var written = RtpHeader.Write(destination, marker, payloadType, SequenceNumber, Timestamp, Ssrc);
        SequenceNumber++;
        Timestamp += timestampIncrement;
        PacketCount++;
        OctetCount += (uint)payloadLength;
        return written;
    }

    /// <summary>Advances the timestamp without sending (silence suppressed / nothing to send).</summary>
    public void Skip(uint timestampIncrement) => Timestamp += timestampIncrement;
}

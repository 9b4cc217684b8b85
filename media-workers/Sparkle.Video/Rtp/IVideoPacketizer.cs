namespace Sparkle.Video.Rtp;

public interface IVideoPacketizer
{
    /// <summary>Largest RTP payload produced (the MTU minus IP, UDP, RTP and SRTP overhead).</summary>
    int MaxPayloadSize { get; }

    /// <summary>Splits one encoded frame into payloads; the last one carries the marker bit.</summary>
    void Packetize(ReadOnlySpan<byte> frame, IRtpPayloadSink sink);
}

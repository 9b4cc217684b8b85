namespace Sparkle.Media.Transport;

/// <summary>Packet counters of one leg (updated by one thread each; read approximately).</summary>
public sealed class AudioLegCounters
{
    public long RtpReceived;
    public long RtcpReceived;
    /// <summary>Not RTP/RTCP at all, or malformed.</summary>
    public long Garbage;
    public long AuthenticationFailures;
    public long Replays;
    /// <summary>RTP with a payload type the SDP did not agree on.</summary>
    public long UnknownPayloadType;
    /// <summary>Valid RTP from somewhere other than the latched peer (dropped).</summary>
    public long Foreign;
    public long RtpSent;
    public long RtcpSent;
    public long SendErrors;
    /// <summary>Unexpected exceptions while handling a received packet.</summary>
    public long Errors;
}

namespace Sparkle.Media.Transport;

/// <summary>Packet counters of one video leg (updated by one thread each; read approximately).</summary>
public sealed class VideoLegCounters
{
    public long RtpReceived;
    public long RtcpReceived;
    /// <summary>Not RTP/RTCP at all, or malformed.</summary>
    public long Garbage;
    public long AuthenticationFailures;
    public long Replays;
    /// <summary>RTP with a payload type the SDP did not agree on (RTX, FEC...).</summary>
    public long UnknownPayloadType;
    /// <summary>Valid RTP from somewhere other than the latched peer (dropped).</summary>
    public long Foreign;
    public long RtpSent;
    public long RtcpSent;
    public long SendErrors;
    /// <summary>Unexpected exceptions while handling a received packet.</summary>
    public long Errors;
    /// <summary>PLI/FIR we sent to this sender, and those it sent us about our stream.</summary>
    public long KeyFrameRequestsSent;
    public long KeyFrameRequestsReceived;
    public long NacksSent;
    public long NacksReceived;
    public long Retransmitted;
}

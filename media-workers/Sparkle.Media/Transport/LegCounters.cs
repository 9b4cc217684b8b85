using Sparkle.Media.Srtp;

namespace Sparkle.Media.Transport;

/// <summary>Packet counters every RTP leg keeps (updated by one thread each; read approximately).</summary>
public abstract class LegCounters
{
    public long RtpReceived;
    public long RtcpReceived;
    /// <summary>Not RTP/RTCP at all, or malformed.</summary>
    public long Garbage;
    public long AuthenticationFailures;
    public long Replays;
    /// <summary>RTP with a payload type the SDP did not agree on (for video also RTX, FEC...).</summary>
    public long UnknownPayloadType;
    /// <summary>Valid RTP from somewhere other than the latched peer (dropped).</summary>
    public long Foreign;
    public long RtpSent;
    public long RtcpSent;
    public long SendErrors;
    /// <summary>Unexpected exceptions while handling a received packet.</summary>
    public long Errors;

    /// <summary>Counts a packet SRTP refused: forged or corrupted, replayed, or otherwise unusable.</summary>
    public void CountSrtpFailure(SrtpStatus status)
    {
        switch (status)
        {
            case SrtpStatus.AuthenticationFailed:
                AuthenticationFailures++;
                break;
            case SrtpStatus.Replay:
                Replays++;
                break;
            default:
                Garbage++;
                break;
        }
    }
}

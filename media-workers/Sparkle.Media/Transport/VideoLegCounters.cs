namespace Sparkle.Media.Transport;

/// <summary>Packet counters of one video leg: the common ones and its feedback.</summary>
public sealed class VideoLegCounters : LegCounters
{
    /// <summary>PLI/FIR we sent to this sender, and those it sent us about our stream.</summary>
    public long KeyFrameRequestsSent;
    public long KeyFrameRequestsReceived;
    public long NacksSent;
    public long NacksReceived;
    public long Retransmitted;
}

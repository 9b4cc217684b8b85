namespace Sparkle.Media.Mixing;

/// <summary>Receives what a leg should hear: one encoded 20 ms frame per tick, ready for RTP
/// packetization. The span is only valid during the call.</summary>
public interface IMixerLegSink
{
    /// <param name="payload">The encoded frame.</param>
    /// <param name="rtpTicks">The RTP timestamp increment of this frame.</param>
    void SendFrame(ReadOnlySpan<byte> payload, uint rtpTicks);
}

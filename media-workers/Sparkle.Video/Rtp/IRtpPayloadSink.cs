namespace Sparkle.Video.Rtp;

/// <summary>Receives the RTP payloads of one frame in order; the span is only valid during the call.</summary>
public interface IRtpPayloadSink
{
    void OnPayload(ReadOnlySpan<byte> payload, bool marker);
}

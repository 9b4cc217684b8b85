using Sparkle.Video.Codecs;

namespace Sparkle.Media.Sdp;

/// <summary>The video half of what the worker brings to a negotiation: its RTP port and what it asks
/// senders for. Absent (null on <see cref="LocalAudioEndpoint.Video"/>) the worker rejects video as before.</summary>
public sealed record LocalVideoEndpoint(int RtpPort)
{
    /// <summary>Our preference when we offer (the offerer's order wins when we answer).</summary>
    public IReadOnlyList<VideoCodec> Codecs { get; init; } = [VideoCodec.H264, VideoCodec.Vp8];

    /// <summary>What we ask senders to stay under (b=AS): their picture only fills a tile.</summary>
    public int ReceiveBitrateKbps { get; init; } = 1024;
}

using Sparkle.Grains.Media;
using Sparkle.Media.Codecs;
using Sparkle.Video.Codecs;

namespace Sparkle.MediaWorker.Engine;

/// <summary>Reads a leg's usage figures from what its transports already keep (RFC 3550 receive statistics of the
/// audio stream, the negotiated codecs and keys). A snapshot read off the receive thread: the counters are single
/// machine words, so a read may be one packet behind, never torn.</summary>
internal static class LegQualityReader
{
    public static LegQuality Read(LegState leg)
    {
        var stats = leg.Transport.ReceiveStats;
        var audio = leg.Transport.Audio;
        var video = leg.VideoActive ? leg.Video?.Video : null;
        var expected = stats.Expected;
        var lost = stats.CumulativeLost;
        return new LegQuality(
            PacketsReceived: stats.PacketsReceived,
            PacketsLost: lost,
            LossFraction: expected > 0 ? Math.Clamp((double)lost / expected, 0, 1) : 0,
            JitterMs: Math.Round(stats.JitterMilliseconds, 3),
            AudioCodec: audio?.Codec.EncodingName(),
            VideoCodec: video?.Codec switch
            {
                VideoCodec.H264 => "H264",
                VideoCodec.Vp8 => "VP8",
                _ => null,
            },
            // A WebRTC leg is always DTLS-SRTP; a SIP leg is SRTP when SDES keys were negotiated.
            Srtp: leg.WebRtc is not null || audio?.Srtp is not null,
            Transport: leg.WebRtc is not null ? "webrtc" : "rtp");
    }
}

using Sparkle.Media.Sdp;

namespace Sparkle.Media.Transport;

/// <summary>The negotiated state a video leg's transport runs with.</summary>
internal sealed class VideoLegSettings(NegotiatedVideo video) : RtpLegSettings(video.Srtp, video.RemoteRtp, video.RemoteRtcp)
{
    public NegotiatedVideo Video { get; } = video;
}

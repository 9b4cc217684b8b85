using System.Net;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Transport;

/// <summary>The negotiated state a video leg's transport runs with, replaced as a whole on renegotiation.
/// Each SRTP context belongs to one thread: receive-RTP, receive-RTCP, and send (under the send lock).</summary>
internal sealed class VideoLegSettings : IDisposable
{
    public VideoLegSettings(NegotiatedVideo video)
    {
        Video = video;
        if (video.Srtp is { } keys)
        {
            Send = SrtpContext.FromKeyMaterial(keys.Suite, keys.LocalKeyMaterial);
            ReceiveRtp = SrtpContext.FromKeyMaterial(keys.Suite, keys.RemoteKeyMaterial);
            ReceiveRtcp = SrtpContext.FromKeyMaterial(keys.Suite, keys.RemoteKeyMaterial);
        }
        SignalledRtp = video.RemoteRtp?.Serialize();
        SignalledRtcp = video.RemoteRtcp?.Serialize();
    }

    public NegotiatedVideo Video { get; }
    public SrtpContext? Send { get; }
    public SrtpContext? ReceiveRtp { get; }
    public SrtpContext? ReceiveRtcp { get; }
    public SocketAddress? SignalledRtp { get; }
    public SocketAddress? SignalledRtcp { get; }

    public void Dispose()
    {
        Send?.Dispose();
        ReceiveRtp?.Dispose();
        ReceiveRtcp?.Dispose();
    }
}

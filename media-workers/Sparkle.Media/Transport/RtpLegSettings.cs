using System.Net;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Transport;

/// <summary>What an audio or video leg's transport needs from its negotiated stream, replaced as a whole
/// on renegotiation: the SRTP contexts and where the SDP said the peer's RTP and RTCP are. Each SRTP
/// context belongs to one thread: receive-RTP, receive-RTCP, and send (under the send lock).</summary>
internal abstract class RtpLegSettings : IDisposable
{
    protected RtpLegSettings(SrtpKeys? srtp, IPEndPoint? remoteRtp, IPEndPoint? remoteRtcp)
    {
        if (srtp is { } keys)
        {
            Send = SrtpContext.FromKeyMaterial(keys.Suite, keys.LocalKeyMaterial);
            ReceiveRtp = SrtpContext.FromKeyMaterial(keys.Suite, keys.RemoteKeyMaterial);
            ReceiveRtcp = keys.RtcpUnprotectedUpstream ? null : SrtpContext.FromKeyMaterial(keys.Suite, keys.RemoteKeyMaterial);
        }
        SignalledRtp = remoteRtp?.Serialize();
        SignalledRtcp = remoteRtcp?.Serialize();
    }

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

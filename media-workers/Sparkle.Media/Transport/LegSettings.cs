using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Transport;

/// <summary>The negotiated state a leg's transport runs with, replaced as a whole on renegotiation.
/// Each SRTP context belongs to one thread: receive-RTP, receive-RTCP, and send (under the send lock).</summary>
internal sealed class LegSettings : IDisposable
{
    public LegSettings(NegotiatedAudio audio)
    {
        Audio = audio;
        if (audio.Srtp is { } keys)
        {
            Send = SrtpContext.FromKeyMaterial(keys.Suite, keys.LocalKeyMaterial);
            ReceiveRtp = SrtpContext.FromKeyMaterial(keys.Suite, keys.RemoteKeyMaterial);
            ReceiveRtcp = SrtpContext.FromKeyMaterial(keys.Suite, keys.RemoteKeyMaterial);
        }
        SignalledRtp = audio.RemoteRtp?.Serialize();
        SignalledRtcp = audio.RemoteRtcp?.Serialize();
    }

    public NegotiatedAudio Audio { get; }
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

using System.Net.Sockets;

namespace Sparkle.Media.Transport;

/// <summary>A bound pair of UDP sockets: RTP on an even port, RTCP on the next one (RFC 3550 §11). Or, for a
/// WebRTC leg, one socket shared by the leg's audio and video (BUNDLE with rtcp-mux): its owner receives and
/// demultiplexes, the transports only send on it, and disposing them leaves it open.</summary>
public sealed class RtpSocketPair : IDisposable
{
    private readonly bool _owned;

    public RtpSocketPair(Socket rtp, Socket rtcp, int port)
        : this(rtp, rtcp, port, owned: true)
    {
    }

    private RtpSocketPair(Socket rtp, Socket rtcp, int port, bool owned)
    {
        Rtp = rtp;
        Rtcp = rtcp;
        Port = port;
        _owned = owned;
    }

    public Socket Rtp { get; }
    public Socket Rtcp { get; }
    public int Port { get; }

    /// <summary>Someone else receives on these sockets and hands the leg its packets (a WebRTC bundle).</summary>
    public bool ReceivedElsewhere => !_owned;

    /// <summary>A view of a socket owned and received on by someone else: the transports send on it only.</summary>
    public static RtpSocketPair Bundled(Socket shared, int port) => new(shared, shared, port, owned: false);

    public void Dispose()
    {
        if (_owned)
        {
            Rtp.Dispose();
            Rtcp.Dispose();
        }
    }
}

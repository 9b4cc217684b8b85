using System.Net.Sockets;

namespace Sparkle.Media.Transport;

/// <summary>A bound pair of UDP sockets: RTP on an even port, RTCP on the next one (RFC 3550 §11).</summary>
public sealed class RtpSocketPair(Socket rtp, Socket rtcp, int port) : IDisposable
{
    public Socket Rtp { get; } = rtp;
    public Socket Rtcp { get; } = rtcp;
    public int Port { get; } = port;

    public void Dispose()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }
}

using System.Diagnostics;
using System.Net;

namespace Sparkle.Media.Transport;

/// <summary>Where a leg's RTP and RTCP go, and symmetric RTP guarded against strangers: we start at the
/// addresses the SDP announced, then follow the source of valid media (NATed phones send from elsewhere).
/// Once latched, media is taken only from the latched address, or from elsewhere with the SSRC we follow
/// (NAT rebinding), or from anywhere after 2 s of silence (the phone moved). A stranger's packets neither
/// reach the mix nor redirect our stream. Addresses are swapped whole, so senders read them without locks.</summary>
internal sealed class RemoteLatch
{
    private static readonly TimeSpan s_relatchAfter = TimeSpan.FromSeconds(2);

    private SocketAddress? _rtp;
    private SocketAddress? _rtcp;
    private volatile bool _latched;
    private volatile uint _ssrc;
    private long _lastPacketTimestamp = Stopwatch.GetTimestamp();

    public SocketAddress? Rtp => Volatile.Read(ref _rtp);

    public SocketAddress? Rtcp => Volatile.Read(ref _rtcp);

    /// <summary>Time since the last valid RTP or RTCP packet.</summary>
    public TimeSpan SinceLastPacket => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastPacketTimestamp));

    /// <summary>A new description: follow the SDP until media says otherwise.</summary>
    public void Reset(SocketAddress? rtp, SocketAddress? rtcp)
    {
        Volatile.Write(ref _rtp, rtp);
        Volatile.Write(ref _rtcp, rtcp);
        _latched = false;
    }

    /// <summary>False for a stranger's packet (count it as foreign and drop it).</summary>
    public bool Admits(SocketAddress from, uint ssrc, long now, out bool fromCurrent)
    {
        var current = Volatile.Read(ref _rtp);
        fromCurrent = current is not null && current.Equals(from);
        var knownSource = _latched && ssrc == _ssrc;
        return !_latched || fromCurrent || knownSource
            || Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastPacketTimestamp), now) > s_relatchAfter;
    }

    /// <summary>Records a valid media packet: from now on we send where it came from.</summary>
    public void Learn(SocketAddress from, uint ssrc, bool fromCurrent, bool rtcpMux, long now)
    {
        if (!fromCurrent)
        {
            Volatile.Write(ref _rtp, Copy(from));
            if (rtcpMux)
            {
                Volatile.Write(ref _rtcp, Copy(from));
            }
        }
        _ssrc = ssrc;
        _latched = true;
        Touch(now);
    }

    /// <summary>RTCP (without mux) follows the first valid RTCP source.</summary>
    public void LearnRtcp(SocketAddress from)
    {
        var current = Volatile.Read(ref _rtcp);
        if (current is null || !current.Equals(from))
        {
            Volatile.Write(ref _rtcp, Copy(from));
        }
    }

    public void Touch(long now) => Interlocked.Exchange(ref _lastPacketTimestamp, now);

    private static SocketAddress Copy(SocketAddress from)
    {
        var copy = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span.CopyTo(copy.Buffer.Span);
        return copy;
    }
}

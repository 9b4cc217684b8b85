using System.Diagnostics;
using System.Net;

namespace Sparkle.Media.Transport;

/// <summary>Where a leg's RTP and RTCP go, and symmetric RTP guarded against strangers: we start at the
/// addresses the SDP announced, then latch to the source of the first valid media (NATed phones send from
/// elsewhere). Once latched, plain RTP is taken only from the latched address: neither silence nor a known
/// SSRC (which the conference event package publishes) lets another address take the leg. Only a source
/// that proves itself moves the latch: an SRTP packet that authenticated under the leg's key (and passed
/// the replay window). A new description with another address (re-INVITE) starts latching afresh.
/// Addresses are swapped whole, so senders read them without locks.</summary>
internal sealed class RemoteLatch
{
    private SocketAddress? _rtp;
    private SocketAddress? _rtcp;
    private SocketAddress? _signalledRtp;
    private SocketAddress? _signalledRtcp;
    private volatile bool _latched;
    private long _lastPacketTimestamp = Stopwatch.GetTimestamp();

    public SocketAddress? Rtp => Volatile.Read(ref _rtp);

    public SocketAddress? Rtcp => Volatile.Read(ref _rtcp);

    /// <summary>Time since the last valid RTP or RTCP packet.</summary>
    public TimeSpan SinceLastPacket => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastPacketTimestamp));

    /// <summary>A new description: follow the SDP until media says otherwise.</summary>
    public void Reset(SocketAddress? rtp, SocketAddress? rtcp)
    {
        if (_latched && Equals(rtp, _signalledRtp) && Equals(rtcp, _signalledRtcp))
        {
            // The same addresses again (a session refresh, hold and resume): keep what media taught us, so
            // that no stranger can race the phone's next packet for the latch.
            return;
        }
        _signalledRtp = rtp;
        _signalledRtcp = rtcp;
        Volatile.Write(ref _rtp, rtp);
        Volatile.Write(ref _rtcp, rtcp);
        _latched = false;
    }

    /// <summary>False for a stranger's packet (count it as foreign and drop it).</summary>
    /// <param name="authenticated">The packet passed SRTP authentication under the leg's key.</param>
    public bool Admits(SocketAddress from, bool authenticated, out bool fromCurrent)
    {
        var current = Volatile.Read(ref _rtp);
        fromCurrent = current is not null && current.Equals(from);
        return !_latched || fromCurrent || authenticated;
    }

    /// <summary>Records a valid media packet: from now on we send where it came from.</summary>
    public void Learn(SocketAddress from, bool fromCurrent, bool rtcpMux, long now)
    {
        if (!fromCurrent)
        {
            Volatile.Write(ref _rtp, Copy(from));
            if (rtcpMux)
            {
                Volatile.Write(ref _rtcp, Copy(from));
            }
        }
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

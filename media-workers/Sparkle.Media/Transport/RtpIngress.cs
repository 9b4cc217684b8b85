using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Rtp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Transport;

/// <summary>What audio and video legs do alike with what arrives: the per-socket receive loop, and the
/// first steps with a packet (SRTP, parsing, the symmetric-RTP guard, RTCP's bookkeeping). What follows
/// differs: a jitter buffer and DTMF for audio, a reorder buffer, NACK and key-frame feedback for video.</summary>
internal static class RtpIngress
{
    /// <summary>One datagram for a leg: RTP or RTCP by its second byte (RFC 5761), anything else garbage,
    /// nothing before the leg is negotiated. Exceptions are counted and kept: malformed input never ends a
    /// receive loop or the shared receive thread.</summary>
    public static void Dispatch<TSettings>(IRtpLegReceiver<TSettings> leg, Span<byte> packet, SocketAddress from, bool rtcpSocket)
        where TSettings : RtpLegSettings
    {
        try
        {
            if (leg.CurrentSettings is not { } settings)
            {
                leg.Counters.Garbage++;
                return;
            }
            var kind = RtpDemux.Classify(packet);
            if (kind == PacketKind.Rtp && !rtcpSocket)
            {
                leg.HandleRtp(settings, packet, from);
            }
            else if (kind == PacketKind.Rtcp)
            {
                leg.HandleRtcp(settings, packet, from, rtcpSocket);
            }
            else
            {
                leg.Counters.Garbage++;
            }
        }
        catch (Exception e)
        {
            leg.Counters.Errors++;
            leg.OnReceiveError(e);
        }
    }

    /// <summary>Receives datagrams from one socket until <paramref name="token"/> is cancelled or the socket
    /// closes, handing each to <paramref name="handler"/> (which counts and never throws).</summary>
    public static async Task ReceiveLoopAsync(Socket socket, bool rtcpSocket, UdpReceiveLoop.IHandler handler, CancellationToken token)
    {
        var buffer = new byte[2048];
        var from = new SocketAddress(socket.AddressFamily);
        while (!token.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, from, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                continue; // e.g. ICMP port unreachable surfacing on the socket
            }
            handler.OnDatagram(buffer.AsSpan(0, received), from, rtcpSocket);
        }
    }

    /// <summary>SRTP, then the RTP header, then the source check (see <see cref="RemoteLatch"/>: a stranger's
    /// packets neither reach the leg nor redirect its stream). False when the packet is dropped, counted.</summary>
    public static bool TryAdmitRtp(RtpLegSettings settings, LegCounters counters, RemoteLatch remote, Span<byte> packet, SocketAddress from,
        out RtpHeader header, out int plainLength, out long now, out bool fromCurrent)
    {
        header = default;
        now = 0;
        fromCurrent = false;
        plainLength = packet.Length;
        if (settings.ReceiveRtp is { } srtp)
        {
            var status = srtp.UnprotectRtp(packet, out plainLength);
            if (status != SrtpStatus.Ok)
            {
                counters.CountSrtpFailure(status);
                return false;
            }
        }
        if (!RtpHeader.TryParse(packet[..plainLength], out header))
        {
            counters.Garbage++;
            return false;
        }
        now = Stopwatch.GetTimestamp();
        if (!remote.Admits(from, authenticated: settings.ReceiveRtp is not null, out fromCurrent))
        {
            counters.Foreign++;
            return false;
        }
        return true;
    }

    /// <summary>SRTCP; false when it refuses the packet, counted.</summary>
    public static bool TryUnprotectRtcp(RtpLegSettings settings, LegCounters counters, Span<byte> packet, bool rtcpSocket, out int length)
    {
        length = packet.Length;
        if (settings.ReceiveRtcp is not { } srtp)
        {
            return true;
        }
        // RTCP over the RTP socket (mux) and over the RTCP socket run on different threads; with mux
        // only the RTP socket sees RTCP, so one context per socket is enough.
        var context = rtcpSocket ? srtp : settings.ReceiveRtp!;
        var status = context.UnprotectRtcp(packet, out length);
        if (status == SrtpStatus.Ok)
        {
            return true;
        }
        counters.CountSrtpFailure(status);
        return false;
    }

    /// <summary>After reading a compound: garbage when nothing in it was readable; otherwise counted, the
    /// peer is alive, and (without mux) its RTCP source is where our RTCP goes.</summary>
    public static void CompleteRtcp(LegCounters counters, RemoteLatch remote, bool readable, bool rtcpMux,
        SocketAddress from, bool rtcpSocket)
    {
        if (!readable)
        {
            counters.Garbage++;
            return;
        }
        counters.RtcpReceived++;
        if (!rtcpMux && rtcpSocket)
        {
            remote.LearnRtcp(from);
        }
        remote.Touch(Stopwatch.GetTimestamp());
    }
}

/// <summary>A leg as <see cref="RtpIngress.Dispatch"/> sees it: its settings snapshot, counters, and handlers.</summary>
internal interface IRtpLegReceiver<TSettings> where TSettings : RtpLegSettings
{
    TSettings? CurrentSettings { get; }
    LegCounters Counters { get; }
    void HandleRtp(TSettings settings, Span<byte> packet, SocketAddress from);
    void HandleRtcp(TSettings settings, Span<byte> packet, SocketAddress from, bool rtcpSocket);
    void OnReceiveError(Exception error);
}

using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;
using Sparkle.Video.Rtp;

namespace Sparkle.Media.Transport;

public sealed partial class VideoLegTransport
{
    private readonly byte[] _rtcpBuffer = new byte[1024];
    private readonly RtcpSchedule _rtcpSchedule = new();
    private uint _packetsAtLastReport;
    private byte _firSequence;

    /// <summary>Asks the peer for a key frame: PLI and/or FIR as negotiated (PLI when nothing was, which
    /// costs nothing where it is not understood). Call it rate-limited; the video thread does.</summary>
    public bool RequestKeyFrame()
    {
        var stats = _stats;
        if (stats.PacketsReceived == 0 || !TryRtcpDestination(out var settings, out var remote))
        {
            return false; // no sender SSRC to name yet, or nowhere to send
        }
        var feedback = settings.Video.Feedback;
        lock (_sendLock)
        {
            var length = WriteReport(_rtcpBuffer);
            if ((feedback & VideoFeedbackTypes.Pli) != 0 || (feedback & VideoFeedbackTypes.Fir) == 0)
            {
                length += VideoFeedback.WritePictureLoss(_rtcpBuffer.AsSpan(length), Ssrc, stats.Ssrc);
            }
            if ((feedback & VideoFeedbackTypes.Fir) != 0)
            {
                length += VideoFeedback.WriteFullIntraRequest(_rtcpBuffer.AsSpan(length), Ssrc, stats.Ssrc, _firSequence++);
            }
            if (!Transmit(settings, remote, length))
            {
                return false;
            }
            Counters.KeyFrameRequestsSent++;
            return true;
        }
    }

    /// <summary>Sends an RTCP compound (SR or RR, plus SDES CNAME) when one is due: about every 5 s,
    /// randomized by ±50% as RFC 3550 §6.2 asks. Call it often (every second or so).</summary>
    public void Housekeeping()
    {
        if (!_rtcpSchedule.IsDue(Stopwatch.GetTimestamp()))
        {
            return;
        }
        if (!TryRtcpDestination(out var settings, out var remote))
        {
            return;
        }
        lock (_sendLock)
        {
            Transmit(settings, remote, WriteReport(_rtcpBuffer));
        }
    }

    // Receive thread, when a packet opens a gap: feedback rides in a compound (RFC 4585 §3.1).
    private void SendNack(uint mediaSsrc, ReadOnlySpan<ushort> lost)
    {
        if (!TryRtcpDestination(out var settings, out var remote))
        {
            return;
        }
        lock (_sendLock)
        {
            var length = WriteReport(_rtcpBuffer);
            length += RtcpFeedback.WriteGenericNack(_rtcpBuffer.AsSpan(length), Ssrc, mediaSsrc, lost);
            if (Transmit(settings, remote, length))
            {
                Counters.NacksSent++;
            }
        }
    }

    private void SendBitrateNotification(long bitrate, int overhead)
    {
        if (!TryRtcpDestination(out var settings, out var remote))
        {
            return;
        }
        lock (_sendLock)
        {
            var length = WriteReport(_rtcpBuffer);
            length += VideoFeedback.WriteBitrateNotification(_rtcpBuffer.AsSpan(length), Ssrc, Ssrc, bitrate, overhead);
            Transmit(settings, remote, length);
        }
    }

    /// <summary>Says goodbye (RTCP BYE, RFC 3550 §6.6) when the leg is released.</summary>
    private void SendGoodbye()
    {
        if (!TryRtcpDestination(out var settings, out var remote))
        {
            return;
        }
        lock (_sendLock)
        {
            var length = WriteReport(_rtcpBuffer);
            length += RtcpWriter.WriteGoodbye(_rtcpBuffer.AsSpan(length), Ssrc);
            Transmit(settings, remote, length);
        }
    }

    /// <summary>What RTCP is sent with and where to: false before negotiation or while the peer's RTCP
    /// address is unknown.</summary>
    private bool TryRtcpDestination([NotNullWhen(true)] out VideoLegSettings? settings, [NotNullWhen(true)] out System.Net.SocketAddress? remote)
    {
        settings = _settings;
        remote = _remote.Rtcp;
        return settings is not null && remote is not null;
    }

    // Under the send lock.
    private int WriteReport(Span<byte> buffer)
    {
        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[1];
        var blockCount = 0;
        if (_stats.PacketsReceived > 0)
        {
            blocks[0] = _stats.TakeReportBlock(Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            blockCount = 1;
        }
        int length;
        if (_packetCount != _packetsAtLastReport)
        {
            var info = new RtcpSenderInfo(RtcpWriter.ToNtp(DateTime.UtcNow), _timestampOffset + MediaClock.Video90k, _packetCount, _octetCount);
            length = RtcpWriter.WriteSenderReport(buffer, Ssrc, info, blocks[..blockCount]);
        }
        else
        {
            length = RtcpWriter.WriteReceiverReport(buffer, Ssrc, blocks[..blockCount]);
        }
        _packetsAtLastReport = _packetCount;
        return length + RtcpWriter.WriteOwnSourceDescription(buffer[length..], Ssrc);
    }

    // Under the send lock.
    private bool Transmit(VideoLegSettings settings, System.Net.SocketAddress remote, int length)
    {
        if (settings.Send is { } srtp && srtp.ProtectRtcp(_rtcpBuffer, length, out length) != Srtp.SrtpStatus.Ok)
        {
            return false;
        }
        try
        {
            (settings.Video.RtcpMux ? _sockets.Rtp : _sockets.Rtcp).SendTo(_rtcpBuffer.AsSpan(0, length), SocketFlags.None, remote);
            Counters.RtcpSent++;
            return true;
        }
        catch (SocketException)
        {
            Counters.SendErrors++;
        }
        catch (ObjectDisposedException)
        {
        }
        return false;
    }
}

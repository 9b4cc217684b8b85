using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Rtp;

namespace Sparkle.Media.Transport;

public sealed partial class AudioLegTransport
{
    private readonly byte[] _rtcpBuffer = new byte[512];
    private readonly RtcpSchedule _rtcpSchedule = new();
    private uint _packetsAtLastReport;

    /// <summary>Sends an RTCP compound (SR or RR, plus SDES CNAME) when one is due: about every 5 s,
    /// randomized by ±50% as RFC 3550 §6.2 asks. Call it often (every second or so).</summary>
    public void Housekeeping()
    {
        if (!_rtcpSchedule.IsDue(Stopwatch.GetTimestamp()))
        {
            return;
        }
        SendReport();
    }

    /// <summary>Says goodbye (RTCP BYE, RFC 3550 §6.6) when the leg is released, so the peer and any
    /// monitoring see the stream end rather than time out.</summary>
    private void SendGoodbye()
    {
        var settings = _settings;
        var remote = _remote.Rtcp;
        if (settings is null || remote is null)
        {
            return;
        }
        lock (_sendLock)
        {
            var length = RtcpWriter.WriteReceiverReport(_rtcpBuffer, _sequencer.Ssrc, []);
            length += RtcpWriter.WriteGoodbye(_rtcpBuffer.AsSpan(length), _sequencer.Ssrc);
            if (settings.Send is { } srtp && srtp.ProtectRtcp(_rtcpBuffer, length, out length) != Srtp.SrtpStatus.Ok)
            {
                return;
            }
            try
            {
                (settings.Audio.RtcpMux ? _sockets.Rtp : _sockets.Rtcp).SendTo(_rtcpBuffer.AsSpan(0, length), SocketFlags.None, remote);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    internal void SendReport()
    {
        var settings = _settings;
        var remote = _remote.Rtcp;
        if (settings is null || remote is null)
        {
            return;
        }
        lock (_sendLock)
        {
            var buffer = _rtcpBuffer.AsSpan();
            Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[1];
            var blockCount = 0;
            if (_stats.PacketsReceived > 0)
            {
                blocks[0] = _stats.TakeReportBlock(Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
                blockCount = 1;
            }
            int length;
            if (_sequencer.PacketCount != _packetsAtLastReport)
            {
                var info = new RtcpSenderInfo(RtcpWriter.ToNtp(DateTime.UtcNow), _sequencer.Timestamp, _sequencer.PacketCount, _sequencer.OctetCount);
                length = RtcpWriter.WriteSenderReport(buffer, _sequencer.Ssrc, info, blocks[..blockCount]);
            }
            else
            {
                length = RtcpWriter.WriteReceiverReport(buffer, _sequencer.Ssrc, blocks[..blockCount]);
            }
            _packetsAtLastReport = _sequencer.PacketCount;
            length += RtcpWriter.WriteOwnSourceDescription(buffer[length..], _sequencer.Ssrc);
            if (settings.Send is { } srtp && srtp.ProtectRtcp(_rtcpBuffer, length, out length) != Srtp.SrtpStatus.Ok)
            {
                return;
            }
            var socket = settings.Audio.RtcpMux ? _sockets.Rtp : _sockets.Rtcp;
            try
            {
                socket.SendTo(_rtcpBuffer.AsSpan(0, length), SocketFlags.None, remote);
                Counters.RtcpSent++;
            }
            catch (SocketException)
            {
                Counters.SendErrors++;
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Codecs;
using Sparkle.Media.Rtp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Transport;

public sealed partial class AudioLegTransport
{
    private async Task ReceiveLoopAsync(Socket socket, bool rtcpSocket)
    {
        var buffer = new byte[2048];
        var from = new SocketAddress(socket.AddressFamily);
        var token = _stop.Token;
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
            try
            {
                HandlePacket(buffer.AsSpan(0, received), from, rtcpSocket);
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                // Malformed input must never end the loop; a bug here is counted and kept for the logs.
                Counters.Errors++;
                LastError = e;
            }
        }
    }

    void UdpReceiveLoop.IHandler.OnDatagram(Span<byte> packet, SocketAddress from, bool rtcpSocket)
    {
        try
        {
            HandlePacket(packet, from, rtcpSocket);
        }
        catch (Exception e)
        {
            // As in the async loop: malformed input is counted, never ends the shared receive thread.
            Counters.Errors++;
            LastError = e;
        }
    }

    private void HandlePacket(Span<byte> packet, SocketAddress from, bool rtcpSocket)
    {
        var settings = _settings;
        if (settings is null)
        {
            Counters.Garbage++;
            return;
        }
        var kind = RtpDemux.Classify(packet);
        if (kind == PacketKind.Rtp && !rtcpSocket)
        {
            HandleRtp(settings, packet, from);
        }
        else if (kind == PacketKind.Rtcp)
        {
            HandleRtcp(settings, packet, from, rtcpSocket);
        }
        else
        {
            Counters.Garbage++;
        }
    }

    private void HandleRtp(LegSettings settings, Span<byte> packet, SocketAddress from)
    {
        var length = packet.Length;
        if (settings.ReceiveRtp is { } srtp)
        {
            var status = srtp.UnprotectRtp(packet, out length);
            if (status != SrtpStatus.Ok)
            {
                Counters.CountSrtpFailure(status);
                return;
            }
        }
        var plain = packet[..length];
        if (!RtpHeader.TryParse(plain, out var header))
        {
            Counters.Garbage++;
            return;
        }
        var audio = settings.Audio;
        var now = Stopwatch.GetTimestamp();
        // Symmetric RTP, guarded (see RemoteLatch): a stranger's packets neither reach the mix nor
        // redirect our stream.
        if (!_remote.Admits(from, header.Ssrc, now, out var fromCurrent))
        {
            Counters.Foreign++;
            return;
        }
        if (header.PayloadType == audio.PayloadType)
        {
            var stats = _stats;
            var newSource = stats.PacketsReceived == 0 || stats.Ssrc != header.Ssrc;
            var arrival = (long)(now * (double)audio.Codec.RtpClockRate() / Stopwatch.Frequency);
            stats.Update(header.Ssrc, header.SequenceNumber, header.Timestamp, arrival);
            // RFC 6464: a packet its sender calls quiet need not be decoded while nobody hears this leg.
            var quiet = audio.AudioLevelId is { } levelId
                && AudioLevelExtension.TryRead(plain, header, levelId, out var level, out var voice)
                && !AudioLevelExtension.IsSpeech(level, voice);
            _leg?.Receive(header.SequenceNumber, header.Timestamp, header.Payload(plain), now * TimeSpan.TicksPerSecond / Stopwatch.Frequency, quiet);
            if (newSource)
            {
                _observer.OnSsrcLearned(ParticipantId, header.Ssrc);
            }
        }
        else if (audio.TelephoneEventPayloadType is { } te && header.PayloadType == te)
        {
            if (_dtmf.TryReceive(header.Timestamp, header.Payload(plain), out var digit))
            {
                _observer.OnDtmf(ParticipantId, digit);
            }
        }
        else if (header.PayloadType != ComfortNoisePayloadType)
        {
            Counters.UnknownPayloadType++;
            return;
        }
        Counters.RtpReceived++;
        _remote.Learn(from, header.Ssrc, fromCurrent, settings.Audio.RtcpMux, now);
    }

    private void HandleRtcp(LegSettings settings, Span<byte> packet, SocketAddress from, bool rtcpSocket)
    {
        var length = packet.Length;
        if (settings.ReceiveRtcp is { } srtp)
        {
            // RTCP over the RTP socket (mux) and over the RTCP socket run on different threads; with mux
            // only the RTP socket sees RTCP, so one context per socket is enough.
            var context = rtcpSocket ? srtp : settings.ReceiveRtp!;
            var status = context.UnprotectRtcp(packet, out length);
            if (status != SrtpStatus.Ok)
            {
                Counters.CountSrtpFailure(status);
                return;
            }
        }
        var reader = new RtcpReader(packet[..length]);
        var any = false;
        while (reader.TryReadNext(out var type, out var count, out _, out var body))
        {
            any = true;
            var isSender = type == (byte)RtcpPacketType.SenderReport;
            if (isSender && RtcpReader.TryReadSenderInfo(body, out var info))
            {
                _stats.RecordSenderReport(info.NtpTimestamp, Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            }
            if (isSender || type == (byte)RtcpPacketType.ReceiverReport)
            {
                for (var i = 0; i < count; i++)
                {
                    if (RtcpReader.TryReadReportBlock(body, isSender, i, out var block) && block.Ssrc == _sequencer.Ssrc)
                    {
                        RemoteReport = block;
                    }
                }
            }
        }
        if (!any || reader.Malformed)
        {
            Counters.Garbage++;
            return;
        }
        Counters.RtcpReceived++;
        if (!settings.Audio.RtcpMux && rtcpSocket)
        {
            _remote.LearnRtcp(from);
        }
        _remote.Touch(Stopwatch.GetTimestamp());
    }
}
